/**
 * Silences and operator actions from a terminal: the built CLI as a child
 * process, the stock `temporal` CLI (an Update) and the real `tctl` (a
 * signal), against a real dev server, the real worker and tail. Expiry on
 * workflow time is test/workflows/tailSilences.test.ts (time-skipping server).
 */
import { defaultPayloadConverter } from '@temporalio/common';
import { bundleWorkflowCode, DefaultLogger, Worker } from '@temporalio/worker';
import { resolveTool, TEMPORAL_CLI } from '../../src/runtime/temporalTools';
import type { Silence, TailStateView } from '../../src/api';
import { runCli, runCommand, startPipeline, type Pipeline } from '../support/pipeline';
import { actionsQuery } from '../support/cliActionTarget';
import { eventually } from '../support/poll';

const json = <T>(text: string): T => JSON.parse(text) as T;
const TCTL_PATH = process.env.PROBE_WAKE_TCTL_PATH;
const TCTL_SKIP = process.env.PROBE_WAKE_TCTL_SKIP;
const TCTL_ERROR = process.env.PROBE_WAKE_TCTL_ERROR;
if (TCTL_SKIP) console.warn(`SKIPPING the tctl silence test: ${TCTL_SKIP}`);

describe('silence commands without a server: bad input exits 2 with a clear message', () => {
  const env = { ...process.env, TEMPORAL_ADDRESS: undefined, SLACK_OPERATOR_USER_ID: 'U024BE7LH', PROBE_WAKE_SLACK_ACTORS: undefined };
  const good = ['--probe', 'fly', '--for', '2h', '--reason', 'maintenance'];

  test.each([
    [['silence', '--probe', 'fly app', '--for', '2h', '--reason', 'x'], 'cannot silence: --probe "fly app" must be 1-64 characters of [A-Za-z0-9_.-], with * for any run of them'],
    [['silence', '--probe', '*', '--for', '2h', '--reason', 'x'], '--probe "*" matches everything'],
    [['silence', '--probe', 'fly', '--category', 'a/b', '--for', '2h', '--reason', 'x'], '--category "a/b" must be 1-64'],
    [['silence', '--probe', 'fly', '--for', '2', '--reason', 'x'], '--for "2": give a duration with its unit, such as 90m, 2h or 1d'],
    [['silence', '--probe', 'fly', '--for=-2h', '--reason', 'x'], '--for "-2h": the duration must be positive'],
    [['silence', '--probe', 'fly', '--for', '0m', '--reason', 'x'], 'the duration must be positive'],
    [['silence', '--probe', 'fly', '--for', '31d', '--reason', 'x'], '--for "31d": the duration must be at most 30 days (got 31 d)'],
    [['silence', '--probe', 'fly', '--for', '2h', '--reason', ' '], '--reason is required'],
    [['silence', '--probe', 'fly', '--for', '2h'], "required option '--reason <text>' not specified"],
    [['silence', ...good, '--as', 'joshua'], '--as "joshua" is not a Slack user ID'],
    [['silence', ...good, '--as', 'U0STRANGER'], '--as U0STRANGER is not allowed to act (PROBE_WAKE_SLACK_ACTORS: U024BE7LH)'],
    [['unsilence', 'bogus'], 'cannot unsilence "bogus": silence ids look like s-3'],
    [['unsilence'], "missing required argument 'id'"],
    [['approve', 'probe-investigation:fly:auth:w-1'], "required option '--as <slackUserId>' not specified"],
    [['approve', 'fly', '--as', 'U024BE7LH'], '"fly" is not an investigation workflow ID'],
    [['decline', 'probe-investigation:fly:auth:w-1', '--as', 'U0STRANGER'], '--as U0STRANGER is not allowed to act'],
    [['ack', 'probe-investigation:fly:auth:w-1', '--as', 'U0OTHER'], 'not allowed to act'],
  ])('%j', async (args, message) => {
    const run = await runCli(args, env);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 2, stderr: expect.stringContaining(message) });
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  test('PROBE_WAKE_SLACK_ACTORS widens the list; a malformed one is named', async () => {
    const bad = await runCli(['ack', 'probe-investigation:fly:auth:w-1', '--as', 'U024BE7LH'], { ...env, PROBE_WAKE_SLACK_ACTORS: 'U024BE7LH,bob' });
    expect({ code: bad.code, stderr: bad.stderr }).toEqual({ code: 2, stderr: expect.stringContaining('PROBE_WAKE_SLACK_ACTORS: "bob" is not a Slack user ID') });
  });

  test('every new command has --help', async () => {
    const top = await runCli(['--help'], env);
    for (const command of ['silence', 'silences', 'unsilence', 'approve', 'decline', 'ack']) expect(top.stdout).toContain(command);
    for (const [command, flag] of [['silence', '--for <duration>'], ['silences', '--json'], ['unsilence', '<id>'], ['approve', '--as <slackUserId>'], ['decline', '--as <slackUserId>'], ['ack', '--as <slackUserId>']]) {
      const help = await runCli([command!, '--help'], env);
      expect({ command, code: help.code }).toEqual({ command, code: 0 });
      expect(help.stdout).toContain(flag);
    }
  });
});

describe('silences against a running probe-wake', () => {
  let p: Pipeline;

  beforeAll(async () => {
    p = await startPipeline();
  });

  afterAll(async () => {
    await p?.stop();
  });

  const cli = (args: string[], extraEnv: NodeJS.ProcessEnv = {}) => runCli(args, { ...p.childEnv, ...extraEnv });
  const counted = (what: string, done: (s: TailStateView) => boolean) =>
    eventually(async () => {
      const s = await p.state();
      return done(s) ? s : undefined;
    }, 30_000, what);

  /** The inputs of the removeSilence Updates the tail accepted, from its history. */
  const removedBy = async () => {
    const history = await p.env.client.workflow.getHandle(p.config.temporal.tailWorkflowId).fetchHistory();
    return (history.events ?? [])
      .map((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest)
      .filter((r) => r?.input?.name === 'removeSilence')
      .map((r) => defaultPayloadConverter.fromPayload(r!.input!.args!.payloads![0]!));
  };

  test('silence, silences, status, a silenced wake, unsilence, and the refusals the tail names', async () => {
    const added = await cli(['silence', '--probe', 'fly', '--category', 'auth', '--for', '2h', '--reason', 'Fly maintenance window']);
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);
    expect(added.stdout).toMatch(/^Silenced fly\/auth until \S+Z \(s-1\): Fly maintenance window$/m);

    const listed = json<Silence[]>((await cli(['silences', '--json'])).stdout);
    expect(listed).toEqual([expect.objectContaining({ id: 's-1', probe: 'fly', category: 'auth', reason: 'Fly maintenance window', createdBy: expect.stringMatching(/^cli:/) })]);
    expect(listed[0]!.untilMs - listed[0]!.createdAtMs).toBe(7_200_000);
    const table = await cli(['silences']);
    expect(table.stdout.split('\n')[0]).toMatch(/^id\s+scope\s+until\s+reason\s+by$/);
    expect(table.stdout).toMatch(/^s-1\s+fly\/auth\s+\S+Z\s+Fly maintenance window\s+cli:\S+$/m);
    expect((await cli(['status'])).stdout).toContain('Active silences (1)');

    // A silenced wake: counted, no investigation, no window.
    const before = (await p.state()).counters;
    p.appendWake('fly', 'auth');
    const silenced = await counted('the wake to be silenced', (s) => s.counters.silenced === before.silenced + 1);
    expect(silenced.counters.investigationsStarted).toBe(before.investigationsStarted);
    expect(silenced.windows.filter((w) => w.probe === 'fly')).toEqual([]);

    // --as is recorded when it is on the actor list.
    const byOperator = json<Silence>((await cli(['silence', '--probe', 'pg*', '--for', '90m', '--reason', 'replica rebuild', '--as', 'U024BE7LH', '--json'])).stdout);
    expect(byOperator).toMatchObject({ id: 's-2', probe: 'pg*', createdBy: 'U024BE7LH' });
    expect(byOperator).not.toHaveProperty('category');

    const ended = await cli(['unsilence', 's-1']);
    expect(ended.code).toBe(0);
    expect(ended.stdout).toMatch(/^Ended s-1 \(fly\/auth, was until \S+Z\) as cli:\S+: wakes are investigated again$/m);
    const again = await cli(['unsilence', 's-1']);
    expect({ code: again.code, stderr: again.stderr.trim() }).toEqual({ code: 2, stderr: 'probe-wake: cannot unsilence s-1: removeSilence refused: no active silence "s-1" (active: s-2)' });
    const stranger = await cli(['unsilence', 's-2', '--as', 'U0STRANGER']);
    expect(stranger.code).toBe(2);
    expect(stranger.stderr).toContain('--as');
    expect((await cli(['unsilence', 's-2', '--as', 'U024BE7LH'])).code).toBe(0);
    // Who ended each silence is in the tail's history, as the removeSilence Updates' input.
    expect(await removedBy()).toEqual([
      { id: 's-1', removedBy: expect.stringMatching(/^cli:\S+$/) },
      { id: 's-2', removedBy: 'U024BE7LH' },
    ]);
    expect((await cli(['silences'])).stdout.trim()).toBe('No active silences.');

    // Unsilenced: the next wake is investigated.
    p.appendWake('fly', 'auth');
    await counted('an investigation after unsilence', (s) => s.counters.investigationsStarted === before.investigationsStarted + 1);
  });

  test('operator actions: a closed investigation is a one-line error, exit 1', async () => {
    // An incident lives until its window closes: reset the windows so they end.
    expect((await cli(['reset-debounce'])).code).toBe(0);
    const investigation = await eventually(async () => {
      for await (const info of p.env.client.workflow.list({ query: 'WorkflowType = "probeInvestigationWorkflow" AND ExecutionStatus = "Completed"' })) return info.workflowId;
      return undefined;
    }, 60_000, 'a completed investigation');
    const run = await cli(['ack', investigation, '--as', 'U024BE7LH']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`probe-wake: cannot ack ${investigation}: no running workflow`);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  test('approve, decline and ack run operatorAction on the workflow, as the actor, one fresh request each; a workflow without the handler is exit 1', async () => {
    const taskQueue = 'cli-action-targets';
    const worker = await Worker.create({
      connection: p.env.nativeConnection,
      taskQueue,
      workflowBundle: await bundleWorkflowCode({ workflowsPath: require.resolve('../support/cliActionTarget'), logger: new DefaultLogger('WARN') }),
    });
    await worker.runUntil(async () => {
      const target = await p.env.client.workflow.start('actionTargetWorkflow', { taskQueue, workflowId: 'probe-investigation:cli:actions:w-1' });
      const without = await p.env.client.workflow.start('noActionsWorkflow', { taskQueue, workflowId: 'probe-investigation:cli:actions:w-2' });
      try {
        const approved = await cli(['approve', target.workflowId, '--as', 'U024BE7LH']);
        expect({ code: approved.code, stdout: approved.stdout.trim(), stderr: approved.stderr }).toEqual({ code: 0, stdout: 'fix_approve recorded for U024BE7LH', stderr: '' });
        const declined = json<{ changed: boolean; requestId: string }>((await cli(['decline', target.workflowId, '--as', 'U024BE7LH', '--json'])).stdout);
        expect(declined).toMatchObject({ changed: true, action: 'fix_decline', actor: 'U024BE7LH', source: 'cli' });
        expect((await cli(['ack', target.workflowId, '--as', 'U024BE7LH'])).code).toBe(0);
        const actions = await target.query(actionsQuery);
        expect(actions.map((a) => [a.action, a.actor, a.source])).toEqual([['fix_approve', 'U024BE7LH', 'cli'], ['fix_decline', 'U024BE7LH', 'cli'], ['ack', 'U024BE7LH', 'cli']]);
        // Each run its own request (and Update) ID.
        expect(new Set(actions.map((a) => a.requestId)).size).toBe(3);
        for (const action of actions) expect(action.requestId).toMatch(/^cli:[0-9a-f-]{36}$/);

        const refused = await cli(['approve', without.workflowId, '--as', 'U024BE7LH']);
        expect(refused.code).toBe(1);
        expect(refused.stderr).toContain(`probe-wake: cannot approve ${without.workflowId}: workflow "${without.workflowId}" does not take this update`);
        expect(refused.stderr).not.toMatch(/\n\s+at /);
      } finally {
        await Promise.all([target.terminate('test done'), without.terminate('test done')]);
      }
    });
  });

  test('temporal workflow update execute --name addSilence / removeSilence, as docs/operations.md shows them', async () => {
    const temporal = (args: string[]) => runCommand(resolveTool(TEMPORAL_CLI), [...args, '--address', p.address, '--namespace', 'default'], p.childEnv);
    const added = await temporal(['workflow', 'update', 'execute', '--workflow-id', 'probe-tail', '--name', 'addSilence', '--input', '{"probe":"doppler","forSeconds":3600,"reason":"rotating secrets","createdBy":"U024BE7LH"}']);
    expect(added).toMatchObject({ code: 0 });
    const silence = (await p.state()).silences.find((s) => s.probe === 'doppler');
    expect(silence).toMatchObject({ reason: 'rotating secrets', createdBy: 'U024BE7LH' });
    expect(added.stdout).toContain(silence!.id);

    const refused = await temporal(['workflow', 'update', 'execute', '--workflow-id', 'probe-tail', '--name', 'addSilence', '--input', '{"probe":"doppler","forSeconds":-5,"reason":"x","createdBy":"U024BE7LH"}']);
    expect(refused.code).not.toBe(0);
    expect(refused.stdout + refused.stderr).toContain('the duration must be positive');

    const removed = await temporal(['workflow', 'update', 'execute', '--workflow-id', 'probe-tail', '--name', 'removeSilence', '--input', JSON.stringify({ id: silence!.id })]);
    expect(removed).toMatchObject({ code: 0 });
    expect((await p.state()).silences.some((s) => s.probe === 'doppler')).toBe(false);
  });

  (TCTL_SKIP ? test.skip : test)('tctl workflow signal --name silence, as docs/operations.md shows it', async () => {
    if (TCTL_ERROR || !TCTL_PATH) throw new Error(`tctl could not be set up: ${TCTL_ERROR ?? 'e2e setup did not run'}`);
    const run = await runCommand(TCTL_PATH, [
      '--address', p.address, '--namespace', 'default',
      'workflow', 'signal', '--workflow_id', 'probe-tail', '--name', 'silence',
      '--input', '{"probe":"postgres","category":"replication_lag","forSeconds":1800,"reason":"failover drill","createdBy":"tctl"}',
    ], p.childEnv);
    expect(run).toMatchObject({ code: 0 });
    const state = await counted('the signalled silence', (s) => s.silences.some((x) => x.probe === 'postgres'));
    expect(state.silences.find((s) => s.probe === 'postgres')).toMatchObject({ category: 'replication_lag', reason: 'failover drill', createdBy: 'tctl' });
  });
});
