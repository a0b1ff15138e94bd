import type { Command } from 'commander';
import { outboxWorkflowId, redeliverUpdate } from '../../api';
import { cliConfig, output, withTemporal } from '../context';
import { readOutbox } from '../outbox';

export function registerRedeliver(program: Command): void {
  program
    .command('redeliver')
    .description('send again every DM the outbox gave up on (past PROBE_DM_DELIVERY_HORIZON, or refused by Slack), with a fresh horizon')
    .option('--json', 'print the result as JSON')
    .action((options: { json?: boolean }) => redeliver(options.json === true));
}

/** The outbox's `redeliver` update, sent only when it holds undelivered DMs. */
async function redeliver(json: boolean): Promise<void> {
  const config = cliConfig();
  await withTemporal(config, async ({ client }) => {
    const workflowId = outboxWorkflowId(config.temporal.taskQueue);
    const view = await readOutbox(client, config);
    const requeued = view && view.undelivered.length > 0 ? (await client.workflow.getHandle(workflowId).executeUpdate(redeliverUpdate)).requeued : 0;
    output(json, { workflowId, requeued }, () =>
      requeued === 0 ? 'No undelivered DMs.' : `Queued ${requeued} undelivered DM(s) again on ${workflowId}; \`probe-wake status\` shows their progress.`,
    );
  });
}
