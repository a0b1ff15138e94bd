import type { Command } from 'commander';
import { operatorActionUpdate, type OperatorAction, type OperatorActionKind } from '../../api';
import { CliError, cliConfig, output, withTemporal } from '../context';
import { checkedActor, newRequestId, runUpdate } from '../updates';

const COMMANDS: Array<{ name: string; action: OperatorActionKind; description: string }> = [
  { name: 'approve', action: 'fix_approve', description: "approve the investigation's pending auto-fix (it then runs once)" },
  { name: 'decline', action: 'fix_decline', description: "decline the investigation's pending auto-fix" },
  { name: 'ack', action: 'ack', description: 'acknowledge the investigation (the root message shows who and when)' },
];

/** `probe-wake approve|decline|ack <workflowId> --as U…`: the Slack buttons' Update, from a terminal. */
export function registerOperatorActions(program: Command): void {
  for (const { name, action, description } of COMMANDS) {
    program
      .command(name)
      .description(`${description} (Update operatorAction on the investigation)`)
      .argument('<workflowId>', 'the investigation, probe-investigation:{probe}:{category}:{windowKey}')
      .requiredOption('--as <slackUserId>', 'who acts: a Slack user ID on PROBE_WAKE_SLACK_ACTORS (default SLACK_OPERATOR_USER_ID)')
      .option('--json', 'print the result as JSON')
      .addHelpText('after', `\nExample:\n  npx probe-wake ${name} probe-investigation:fly:auth:w-7f3a --as U024BE7LH`)
      .action((workflowId: string, options: { as: string; json?: boolean }) => act(action, workflowId, options.as, options.json === true));
  }
}

async function act(kind: OperatorActionKind, workflowId: string, actor: string, json: boolean): Promise<void> {
  if (!/^probe-investigation:[A-Za-z0-9_.:-]{1,300}$/.test(workflowId)) {
    throw new CliError(`${JSON.stringify(workflowId)} is not an investigation workflow ID (probe-investigation:{probe}:{category}:{windowKey}; \`probe-wake investigations\` lists them)`, 2);
  }
  const action: OperatorAction = { action: kind, actor: checkedActor(actor), requestId: newRequestId(), source: 'cli' };
  const config = cliConfig();
  await withTemporal(config, async ({ client }) => {
    const handle = client.workflow.getHandle(workflowId);
    // A refusal here is the workflow's answer (nothing pending, already decided...), not bad flags: exit 1.
    const result = await runUpdate(`cannot ${kind.replace('fix_', '')} ${workflowId}`, workflowId, () => handle.executeUpdate(operatorActionUpdate, { args: [action], updateId: action.requestId }), 1);
    output(json, { workflowId, ...action, ...result }, () => result.message);
  });
}
