import type { Command } from 'commander';
import { ensureSearchAttributes } from '../../runtime/searchAttributes';
import { CliError, cliConfig, errorText, output, withTemporal } from '../context';

export function registerSetup(program: Command): void {
  program
    .command('setup')
    .description('register the Keyword search attributes ProbeName, IssueCategory, ProbeSeverity, InvestigationOutcome on the namespace (idempotent)')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      '\nRun once per namespace before the first worker starts: the tail sets these attributes on every investigation.\n' +
        'The dev server of `npm start` registers them itself. Temporal Cloud: add them in the Cloud UI or with tcld.',
    )
    .action(async (options: { json?: boolean }) => {
      const config = cliConfig();
      await withTemporal(config, async ({ connection, endpoint }) => {
        let result;
        try {
          result = await ensureSearchAttributes(connection, endpoint.namespace);
        } catch (err) {
          throw new CliError(
            `could not register search attributes on namespace ${endpoint.namespace} at ${endpoint.address}: ${errorText(err)}\n` +
              '  fix: the operator API needs admin rights on a self-hosted cluster; on Temporal Cloud add the attributes in the Cloud UI or with tcld',
          );
        }
        output(options.json === true, { namespace: endpoint.namespace, ...result }, () =>
          [
            `search attributes on namespace ${endpoint.namespace} (${endpoint.address}):`,
            ...result.added.map((name) => `  added               ${name} (Keyword)`),
            ...result.alreadyRegistered.map((name) => `  already registered  ${name} (Keyword)`),
          ].join('\n'),
        );
      });
    });
}
