import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { addSilenceUpdate, getStateQuery, removeSilenceUpdate, type Silence, type SilenceRequest } from '../../api';
import { parseSilenceDuration, silenceRequestProblem, silenceScope } from '../../domain/silences';
import { CliError, cliConfig, output, withTemporal } from '../context';
import { formatTable } from '../table';
import { tailHandle } from '../tail';
import { checkedActor, newRequestId, runUpdate } from '../updates';

interface SilenceOptions {
  probe: string;
  category?: string;
  for: string;
  reason: string;
  as?: string;
  json?: boolean;
}

export function registerSilences(program: Command): void {
  program
    .command('silence')
    .description('silence a probe (one category, or all) for a while: its wakes are counted, not investigated (Update addSilence on the tail)')
    .requiredOption('--probe <pattern>', 'probe name, or a pattern with * (fly*)')
    .option('--category <pattern>', 'only this issue category (or pattern); default every category')
    .requiredOption('--for <duration>', 'how long: 90m, 2h, 1d (1 minute to 30 days)')
    .requiredOption('--reason <text>', 'why (one line, shown to whoever looks next)')
    .option('--as <slackUserId>', 'act as this Slack user (checked against PROBE_WAKE_SLACK_ACTORS); default cli:{login}')
    .option('--json', 'print the silence as JSON')
    .addHelpText('after', '\nExamples:\n  npx probe-wake silence --probe fly --category auth --for 2h --reason "Fly maintenance window"\n  npx probe-wake silence --probe "pg*" --for 1d --reason "replica rebuild" --as U024BE7LH')
    .action((options: SilenceOptions) => silence(options));

  program
    .command('silences')
    .description("list the tail's active silences (getState query): id, scope, until, reason, by")
    .option('--json', 'print the silences as JSON')
    .action((options: { json?: boolean }) => listSilences(options.json === true));

  program
    .command('unsilence')
    .description('end a silence before its time (Update removeSilence on the tail)')
    .argument('<id>', 'the silence id, as `probe-wake silences` lists it (s-3)')
    .option('--as <slackUserId>', 'act as this Slack user (checked against PROBE_WAKE_SLACK_ACTORS); default cli:{login}')
    .option('--json', 'print the ended silence as JSON')
    .action((id: string, options: { as?: string; json?: boolean }) => unsilence(id, options));
}

async function silence(options: SilenceOptions): Promise<void> {
  const duration = parseSilenceDuration(options.for);
  if ('error' in duration) throw new CliError(`cannot silence: ${duration.error}`, 2);
  const createdBy = options.as === undefined ? cliUser() : checkedActor(options.as);
  const request: SilenceRequest = {
    probe: options.probe,
    ...(options.category !== undefined && { category: options.category }),
    forSeconds: duration.seconds,
    reason: options.reason,
    createdBy,
    requestId: newRequestId(),
  };
  // The tail's validator says the same; checked here first so bad flags need no server.
  const problem = silenceRequestProblem(request);
  if (problem) throw new CliError(`cannot silence: ${flagWords(problem)}`, 2);
  const config = cliConfig();
  await withTemporal(config, async ({ client }) => {
    const handle = await tailHandle(client, config);
    const added = await runUpdate('cannot silence', handle.workflowId, () => handle.executeUpdate(addSilenceUpdate, { args: [request], updateId: request.requestId }));
    output(options.json === true, added, () => `Silenced ${silenceScope(added)} until ${iso(added.untilMs)} (${added.id}): ${added.reason}\n  \`probe-wake unsilence ${added.id}\` ends it sooner`);
  });
}

async function listSilences(json: boolean): Promise<void> {
  const config = cliConfig();
  await withTemporal(config, async ({ client }) => {
    const handle = await tailHandle(client, config);
    const state = await handle.query(getStateQuery);
    const silences = state.silences;
    output(json, silences, () => renderSilences(silences));
  });
}

async function unsilence(id: string, options: { as?: string; json?: boolean }): Promise<void> {
  if (!/^s-[1-9][0-9]*$/.test(id)) throw new CliError(`cannot unsilence ${JSON.stringify(id)}: silence ids look like s-3 (\`probe-wake silences\` lists them)`, 2);
  const json = options.json === true;
  const removedBy = options.as === undefined ? cliUser() : checkedActor(options.as);
  const config = cliConfig();
  await withTemporal(config, async ({ client }) => {
    const handle = await tailHandle(client, config);
    const updateId = newRequestId();
    const removed = await runUpdate(`cannot unsilence ${id}`, handle.workflowId, () => handle.executeUpdate(removeSilenceUpdate, { args: [{ id, removedBy }], updateId }));
    output(json, removed, () => `Ended ${removed.id} (${silenceScope(removed)}, was until ${iso(removed.untilMs)}) as ${removedBy}: wakes are investigated again`);
  });
}

export function renderSilences(silences: Silence[]): string {
  if (silences.length === 0) return 'No active silences.';
  return formatTable(
    ['id', 'scope', 'until', 'reason', 'by'],
    silences.map((s) => [s.id, silenceScope(s), iso(s.untilMs), s.reason, s.createdBy]),
  );
}

/** Who silences without `--as`: the login running the CLI, as `cli:{login}`. */
function cliUser(): string {
  let login = 'unknown';
  try {
    login = userInfo().username.replace(/\s+/g, '_').slice(0, 60) || 'unknown';
  } catch {
    // No passwd entry (a container's random UID): the name is unknown, the silence still works.
  }
  return `cli:${login}`;
}

/** The domain names fields as the Update does; the CLI user typed flags. */
function flagWords(problem: string): string {
  return problem.replace(/^probe /, '--probe ').replace(/^category /, '--category ').replace(/^a reason is required/, '--reason is required').replace(/^the reason /, '--reason ');
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
