import type { Command } from 'commander';
import { parseResetScope } from '../../domain/debounce';
import { resetDebounceSignal } from '../../api';
import { CliError, cliConfig, output, withTemporal } from '../context';
import { tailHandle } from '../tail';

export function registerResetDebounce(program: Command): void {
  program
    .command('reset-debounce')
    .description('clear open debounce windows (signal resetDebounce): all, one probe, or one (probe, category)')
    .option('--probe <name>', 'only windows of this probe')
    .option('--category <name>', 'only windows of this issue category')
    .option('--json', 'print what was sent as JSON')
    .addHelpText('after', '\nExamples:\n  npx probe-wake reset-debounce --probe fly --category auth\n  npx probe-wake reset-debounce --probe fly\n  npx probe-wake reset-debounce            # every window')
    .action(async (options: { probe?: string; category?: string; json?: boolean }) => {
      const config = cliConfig();
      const input = { ...(options.probe && { probe: options.probe }), ...(options.category && { category: options.category }) };
      // The tail refuses a malformed scope silently (it only logs); check it here so the operator sees why.
      const parsed = parseResetScope(input);
      if ('error' in parsed) throw new CliError(`cannot reset debounce: ${parsed.error}`, 2);
      await withTemporal(config, async ({ client }) => {
        const handle = await tailHandle(client, config);
        await handle.signal(resetDebounceSignal, input);
        const scope = options.probe ? `${options.probe}${options.category ? `/${options.category}` : ''}` : options.category ? `category ${options.category}` : 'every window';
        output(options.json === true, { workflowId: handle.workflowId, signal: resetDebounceSignal.name, input }, () => `${resetDebounceSignal.name} sent to ${handle.workflowId}: ${scope} (${JSON.stringify(input)})`);
      });
    });
}
