/**
 * End to end: a signed click on an incident's Acknowledge button, to the real Bolt HTTPReceiver
 * (src/slack/receiver.ts), executed as operatorActionUpdate on a real investigation running on the
 * real worker (createProbeWakeWorker, real activities) on the Temporal dev server, whose messages go
 * through the outbox and the real @slack/web-api client to the faithful Slack fake. The thread line,
 * the root's edit and the audit row are read back from the fake and the log. The time from the click
 * to the thread line in the fake is printed (not asserted).
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { loadConfig, type AppConfig } from '../../src/config/config';
import { ensureTailWorkflow, tailSettingsFrom } from '../../src/client/startTail';
import { getStateQuery, investigationWorkflowId, threadReplyKey, windowClosedSignal } from '../../src/api';
import { encodeButtonValue } from '../../src/domain/slackActions';
import { startSlackReceiver, type SlackReceiver } from '../../src/slack/receiver';
import { TemporalDispatcher } from '../../src/slack/temporalDispatcher';
import { createProbeWakeWorker } from '../../src/worker/createWorker';
import { FakeSlack } from '../support/fakeSlack';
import { flyWake } from '../support/fixtures';
import { eventually } from '../support/poll';
import { freePort } from '../support/ports';
import { blockActionsPayload, formBody, memoryLogger, postSigned, ResponseUrlServer } from '../support/slackClicks';
import { devServerEnv, workflowBundle } from '../support/temporal';

const SECRET = 'e2e-signing-secret-1f0e3dad';
const OPERATOR = 'U024BE7LH';
const TASK_QUEUE = 'slack-actions-e2e';

describe('a click on the root message, end to end', () => {
  let env: TestWorkflowEnvironment;
  let worker: Worker;
  let running: Promise<void>;
  let receiver: SlackReceiver;
  let tmp: string;
  let auditLog: string;
  const slack = new FakeSlack();
  const responses = new ResponseUrlServer();
  const logs = memoryLogger();
  const clickToLineMs: number[] = [];
  let config: AppConfig;

  beforeAll(async () => {
    let slackBase: string;
    [env, slackBase] = await Promise.all([devServerEnv(), slack.start(), responses.start()]);
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'probe-wake-actions-'));
    auditLog = path.join(tmp, 'audit.jsonl');
    await fs.writeFile(auditLog, '');
    // No ANTHROPIC_API_KEY: the investigation takes the fallback at once (engine_unavailable); the click is what is tested.
    config = loadConfig(
      { AUDIT_LOG_PATH: auditLog, SLACK_BOT_TOKEN: 'xoxb-actions-e2e', SLACK_OPERATOR_USER_ID: OPERATOR, SLACK_API_URL: slack.apiUrl(slackBase), TEMPORAL_TASK_QUEUE: TASK_QUEUE, PROBE_WAKE_POLL_SEC: '0.2' },
      tmp,
    );
    worker = await createProbeWakeWorker({ connection: env.nativeConnection, config, workflowBundle: await workflowBundle(), shutdownGraceTime: '1s' });
    running = worker.run();
    receiver = (await startSlackReceiver(
      { mode: 'http', signingSecret: SECRET, host: '127.0.0.1', port: await freePort(), actors: [OPERATOR] },
      { dispatcher: new TemporalDispatcher(env.client), log: logs.log },
    ))!;
  });

  afterAll(async () => {
    await receiver?.stop();
    worker?.shutdown();
    await running;
    await Promise.all([env?.teardown(), slack.stop(), responses.stop()]);
    if (tmp) await fs.rm(tmp, { recursive: true, force: true });
    if (clickToLineMs.length > 0) process.stderr.write(`slack click -> thread line in Slack (ms): ${clickToLineMs.join(', ')}\n`);
  });

  it('acknowledge: the clicker is answered, the thread line and the acknowledged root reach Slack, the audit row is written', async () => {
    const wake = flyWake();
    const windowKey = `${wake.wakeId}-e2e`;
    const workflowId = investigationWorkflowId(wake.probe, wake.category, windowKey);
    const now = Date.now();
    const handle = await env.client.workflow.start('probeInvestigationWorkflow', {
      workflowId,
      taskQueue: TASK_QUEUE,
      args: [{ wake, windowKey, window: { openedAtMs: now, closesAtMs: now + 10 * 60_000 } }],
    });
    // The root as Slack holds it, with its buttons.
    const root = await eventually(() => slack.byKey(workflowId)[0], 60_000, 'the root message');
    const buttons = (root.blocks as Array<{ type: string; elements?: Array<{ action_id: string; value: string }> }>).find((b) => b.type === 'actions')!.elements!;
    const ack = buttons.find((b) => b.action_id === 'probe_wake.ack')!;
    expect(ack.value).toBe(encodeButtonValue({ workflowId }));

    const body = formBody(blockActionsPayload({ userId: OPERATOR, actionId: ack.action_id, value: ack.value, actionTs: '1764680000.000001', responseUrl: responses.url('ack') }));
    const clickedAt = Date.now();
    expect(await postSigned(receiver.listening, body, { secret: SECRET })).toBe(200);
    const line = await eventually(() => slack.repliesTo(root.ts).find((m) => m.key === threadReplyKey(workflowId, 'action-1')), 30_000, 'the thread line');
    clickToLineMs.push(Date.now() - clickedAt);
    expect(line.text).toBe(`✋ Acknowledged by <@${OPERATOR}>`);

    const [reply] = await responses.waitFor('ack');
    expect(reply!.body).toEqual({ response_type: 'ephemeral', replace_original: false, text: 'Acknowledged: the alert now shows it.' });
    await eventually(() => (JSON.stringify(slack.byKey(workflowId)[0]!.blocks).includes(`acknowledged by <@${OPERATOR}> at`) ? true : undefined), 30_000, 'the root showing the ack');
    const rows = (await fs.readFile(auditLog, 'utf8')).split('\n').filter((l) => l.includes('probe.operator_action')).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows).toEqual([
      expect.objectContaining({ event: 'probe.operator_action', action: 'ack', actor: OPERATOR, source: 'slack', workflow_id: workflowId, correlation_key: 'probe:fly:auth', request_id: `slack:1764680000.000001:${OPERATOR}:probe_wake.ack` }),
    ]);

    // Slack delivers the click again: the same answer, no second line.
    expect(await postSigned(receiver.listening, body, { secret: SECRET, headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' } })).toBe(200);
    const answers = await responses.waitFor('ack', 2);
    expect(answers[1]!.body.text).toBe('Acknowledged: the alert now shows it.');

    // A second click, another moment: more clicks for the figure, each answered "already".
    for (let i = 2; i <= 4; i += 1) {
      const again = formBody(blockActionsPayload({ userId: OPERATOR, actionId: ack.action_id, value: ack.value, actionTs: `1764680000.00000${i}`, responseUrl: responses.url(`ack-${i}`) }));
      expect(await postSigned(receiver.listening, again, { secret: SECRET })).toBe(200);
      expect((await responses.waitFor(`ack-${i}`))[0]!.body.text).toMatch(/^Already acknowledged by <@U024BE7LH> at \d\d:\d\d UTC\.$/);
    }
    expect(slack.repliesTo(root.ts).filter((m) => m.key?.includes('#action-'))).toHaveLength(1);

    await handle.signal(windowClosedSignal, { reason: 'reset', atMs: Date.now() });
    await handle.result();
    // The close took the buttons off the root.
    await eventually(() => (JSON.stringify(slack.byKey(workflowId)[0]!.blocks).includes('"actions"') ? undefined : true), 30_000, 'the root without buttons');
  });

  it('snooze, then reset, on an incident the real tail opened: the silence and the window close happen on the tail', async () => {
    const tail = env.client.workflow.getHandle(config.temporal.tailWorkflowId);
    await ensureTailWorkflow(env.client, config, tailSettingsFrom(config));
    await eventually(async () => ((await tail.query(getStateQuery)).cursor ? true : undefined), 30_000, 'the tail to stamp its cursor');
    const wakeRow = (id: string) => `${JSON.stringify({ ts: new Date().toISOString(), event: 'probe.wake_requested', wake_id: id, probe: 'pg', issue_category: 'conn', severity: 'critical', summary: 'postgres refuses connections' })}\n`;
    await fs.appendFile(auditLog, wakeRow('w-pg-e2e-1'));
    const workflowId = investigationWorkflowId('pg', 'conn', 'w-pg-e2e-1');
    const root = await eventually(() => slack.byKey(workflowId)[0], 60_000, 'the root message of the tail\'s incident');
    const button = (actionId: string) =>
      (root.blocks as Array<{ type: string; elements?: Array<{ action_id: string; value: string }> }>).find((b) => b.type === 'actions')!.elements!.find((e) => e.action_id === actionId)!;

    // Snooze 1 h: the tail holds the silence, by the clicker, for the pair; the thread says so.
    const snooze = button('probe_wake.snooze.1h');
    const clickedAt = Date.now();
    expect(await postSigned(receiver.listening, formBody(blockActionsPayload({ userId: OPERATOR, actionId: snooze.action_id, value: snooze.value, actionTs: '1764700000.000001', responseUrl: responses.url('snooze') })), { secret: SECRET })).toBe(200);
    expect((await responses.waitFor('snooze'))[0]!.body.text).toMatch(/^Snoozed: pg\/conn is silenced until \d\d:\d\d UTC \(silence s-\d+\)\.$/);
    const [silence] = (await tail.query(getStateQuery)).silences;
    expect(silence).toMatchObject({ probe: 'pg', category: 'conn', createdBy: OPERATOR });
    expect(silence!.untilMs - clickedAt).toBeGreaterThan(3_600_000 - 60_000);
    expect(silence!.untilMs - clickedAt).toBeLessThanOrEqual(3_600_000 + 60_000);
    const snoozed = await eventually(() => slack.repliesTo(root.ts).find((m) => m.key === threadReplyKey(workflowId, 'action-1')), 30_000, 'the snooze line');
    expect(snoozed.text).toMatch(new RegExp(`^🔕 Snoozed by <@${OPERATOR}> for 1 h: pg/conn is silenced until \\d\\d:\\d\\d UTC \\(silence \`${silence!.id}\`\\)$`));
    // A wake of the snoozed pair is counted as silenced, not investigated.
    const before = (await tail.query(getStateQuery)).counters;
    await fs.appendFile(auditLog, wakeRow('w-pg-e2e-2'));
    await eventually(async () => ((await tail.query(getStateQuery)).counters.silenced === before.silenced + 1 ? true : undefined), 30_000, 'the wake to be silenced');

    // Reset: the tail closes the pair's window, the incident ends with its thread line, and the tail holds no window for it.
    const reset = button('probe_wake.reset');
    expect(await postSigned(receiver.listening, formBody(blockActionsPayload({ userId: OPERATOR, actionId: reset.action_id, value: reset.value, actionTs: '1764700000.000002', responseUrl: responses.url('reset') })), { secret: SECRET })).toBe(200);
    expect((await responses.waitFor('reset'))[0]!.body.text).toBe('Window reset: this incident ends, and the next wake opens a new one.');
    await env.client.workflow.getHandle(workflowId).result();
    const state = await tail.query(getStateQuery);
    expect(state.windows.filter((w) => w.probe === 'pg')).toEqual([]);
    expect(state.counters.windowsReset).toBe(1);
    const resetLine = await eventually(() => slack.repliesTo(root.ts).find((m) => m.key === threadReplyKey(workflowId, 'action-2')), 30_000, 'the reset line');
    expect(resetLine.text).toBe(`↩️ Window reset by <@${OPERATOR}>: the next wake of pg/conn opens a new incident`);
    const rows = (await fs.readFile(auditLog, 'utf8')).split('\n').filter((l) => l.includes('probe.operator_action') && l.includes(workflowId)).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows.map((r) => [r.action, r.actor, r.silence_id])).toEqual([
      ['snooze', OPERATOR, silence!.id],
      ['reset', OPERATOR, undefined],
    ]);
  });

  it('click after click on fresh incidents (click -> thread line times printed, not asserted)', async () => {
    for (let i = 1; i <= 4; i += 1) {
      const wake = flyWake();
      const windowKey = `${wake.wakeId}-e2e-more-${i}`;
      const workflowId = investigationWorkflowId(wake.probe, wake.category, windowKey);
      const now = Date.now();
      const handle = await env.client.workflow.start('probeInvestigationWorkflow', {
        workflowId,
        taskQueue: TASK_QUEUE,
        args: [{ wake, windowKey, window: { openedAtMs: now, closesAtMs: now + 10 * 60_000 } }],
      });
      const root = await eventually(() => slack.byKey(workflowId)[0], 60_000, 'the root message');
      const body = formBody(blockActionsPayload({ userId: OPERATOR, actionId: 'probe_wake.ack', value: encodeButtonValue({ workflowId }), actionTs: `1764690000.00000${i}`, responseUrl: responses.url(`more-${i}`) }));
      const clickedAt = Date.now();
      expect(await postSigned(receiver.listening, body, { secret: SECRET })).toBe(200);
      await eventually(() => slack.repliesTo(root.ts).find((m) => m.key === threadReplyKey(workflowId, 'action-1')), 30_000, 'the thread line');
      clickToLineMs.push(Date.now() - clickedAt);
      await handle.signal(windowClosedSignal, { reason: 'reset', atMs: Date.now() });
      await handle.result();
    }
  });
});
