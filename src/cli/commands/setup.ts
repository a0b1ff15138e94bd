import type { Command } from 'commander';
import { DEFAULT_RETENTION_DAYS, ensureNamespace, parseRetention, type NamespaceOutcome } from '../../runtime/namespace';
import { ensureSearchAttributes } from '../../runtime/searchAttributes';
import { isNotFound, isPermissionProblem } from '../../runtime/temporalErrors';
import { CliError, cliConfig, errorText, output, withTemporal } from '../context';

export function registerSetup(program: Command): void {
  program
    .command('setup')
    .description(
      'create the namespace when it does not exist, then register the Keyword search attributes ProbeName, IssueCategory, ProbeSeverity, InvestigationOutcome on it (idempotent)',
    )
    .option('--retention <period>', `retention of closed workflows for a namespace this creates: days (30d) or hours (72h), at least 1 day`, `${DEFAULT_RETENTION_DAYS}d`)
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      '\nRun once per namespace before the first worker starts (the worker refuses to start without the attributes).\n' +
        `A namespace that exists is left as it is; a missing one is created with --retention (default ${DEFAULT_RETENTION_DAYS} days).\n` +
        'The dev server of `npm start` does all this itself. Temporal Cloud: create the namespace and add the attributes in the Cloud UI or with tcld.',
    )
    .action(async (options: { json?: boolean; retention: string }) => {
      const config = cliConfig();
      let retentionSeconds: number;
      try {
        retentionSeconds = parseRetention(options.retention);
      } catch (err) {
        throw new CliError((err as Error).message, 2);
      }
      await withTemporal(config, async ({ connection, target, namespace }) => {
        const where = `namespace ${namespace} at ${target.address}`;
        let created: NamespaceOutcome;
        try {
          created = await ensureNamespace(connection, namespace, retentionSeconds);
        } catch (err) {
          throw new CliError(`could not create ${where}: ${errorText(err)}\n  fix: ${setupFix(err, 'create namespaces')}`);
        }
        let result;
        try {
          result = await registerWhenServed(() => ensureSearchAttributes(connection, namespace));
        } catch (err) {
          throw new CliError(`could not register search attributes on ${where}: ${errorText(err)}\n  fix: ${setupFix(err, 'add search attributes')}`);
        }
        output(options.json === true, { namespace, namespaceCreated: created.created, ...result }, () =>
          [
            created.created
              ? `created namespace ${namespace} (${target.address}), retention ${describeRetention(created.retentionSeconds)}`
              : `namespace ${namespace} (${target.address}) exists`,
            `search attributes on namespace ${namespace}:`,
            ...result.added.map((name) => `  added               ${name} (Keyword)`),
            ...result.alreadyRegistered.map((name) => `  already registered  ${name} (Keyword)`),
          ].join('\n'),
        );
      });
    });
}

/**
 * A namespace just registered is described at once, yet other server components (the operator
 * API's, history's) learn of it on their next namespace-cache refresh, about 10 s later: until then
 * they answer NOT_FOUND. Retry for a while on exactly that.
 */
async function registerWhenServed<T>(attempt: () => Promise<T>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await attempt();
    } catch (err) {
      if (!isNotFound(err) || Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

function describeRetention(seconds: number): string {
  return seconds % 86_400 === 0 ? `${seconds / 86_400} days` : `${seconds / 3_600} hours`;
}

/** The fix that matches the failure: only a permission error blames permissions. */
export function setupFix(err: unknown, what: string): string {
  if (isPermissionProblem(err)) {
    return `this identity may not ${what}: the operator API needs admin rights on a self-hosted cluster; on Temporal Cloud use the Cloud UI or tcld`;
  }
  if (isNotFound(err)) return 'the namespace is not there (yet): run `npx probe-wake setup` again, or check TEMPORAL_NAMESPACE';
  return 'check that TEMPORAL_ADDRESS is a Temporal frontend and retry; the server log says more';
}
