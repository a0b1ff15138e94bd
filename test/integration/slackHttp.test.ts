/**
 * Integration: Slack's interaction requests against the real Bolt HTTPReceiver (src/slack/receiver.ts),
 * signed as Slack signs them, each authorised click executed as operatorActionUpdate on a real workflow
 * (a test-only target that answers the Update as an investigation will) on the real Temporal dev server.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { encodeButtonValue } from '../../src/domain/slackActions';
import { NOT_ALLOWED } from '../../src/slack/clickHandler';
import { startSlackReceiver, type SlackReceiver } from '../../src/slack/receiver';
import { TemporalDispatcher } from '../../src/slack/temporalDispatcher';
import { freePort } from '../support/ports';
import { blockActionsPayload, formBody, memoryLogger, operatorTargetWorker, postSigned, ResponseUrlServer, startTarget, targetState } from '../support/slackClicks';
import { devServerEnv } from '../support/temporal';
import { finishSignal, noOperatorActionsWorkflow } from '../support/workflows/operatorTarget';

const SECRET = 'fake-signing-secret-8f14e45f';
const OPERATOR = 'U024BE7LH';
const TASK_QUEUE = 'slack-http-test';

describe('operator clicks over HTTP (Bolt HTTPReceiver, signed requests)', () => {
  let env: TestWorkflowEnvironment;
  let worker: Worker;
  let running: Promise<void>;
  let receiver: SlackReceiver;
  let url: string;
  const responses = new ResponseUrlServer();
  const logs = memoryLogger();
  const latencies: number[] = [];
  let n = 0;

  beforeAll(async () => {
    env = await devServerEnv();
    ({ worker, running } = await operatorTargetWorker(env, TASK_QUEUE));
    await responses.start();
    const port = await freePort();
    receiver = (await startSlackReceiver(
      { mode: 'http', signingSecret: SECRET, host: '127.0.0.1', port, actors: [OPERATOR] },
      { dispatcher: new TemporalDispatcher(env.client), log: logs.log },
    ))!;
    url = receiver.listening;
  });

  afterAll(async () => {
    await receiver?.stop();
    await responses.stop();
    worker?.shutdown();
    await running;
    await env?.teardown();
    if (latencies.length > 0) process.stderr.write(`slack HTTP click -> Update answered (ms): ${latencies.join(', ')}\n`);
  });

  /** A fresh investigation-like workflow and a click on its Acknowledge button. */
  async function click(over: { userId?: string; value?: string; actionId?: string } = {}) {
    n += 1;
    const workflowId = `probe-investigation:fly:auth:w-http-${n}-${Date.now()}`;
    await startTarget(env, TASK_QUEUE, workflowId);
    const name = `click-${n}`;
    const payload = blockActionsPayload({
      userId: over.userId ?? OPERATOR,
      actionId: over.actionId ?? 'probe_wake.ack',
      value: over.value ?? encodeButtonValue({ workflowId }),
      actionTs: `1764640${String(n).padStart(3, '0')}.000${n}`,
      responseUrl: responses.url(name),
    });
    return { workflowId, name, body: formBody(payload) };
  }

  it('executes a validly signed click as the Update and tells the clicker its answer', async () => {
    const c = await click();
    const sent = Date.now();
    expect(await postSigned(url, c.body, { secret: SECRET })).toBe(200);
    const [reply] = await responses.waitFor(c.name);
    latencies.push(reply!.at - sent);
    expect(reply!.body).toEqual({ response_type: 'ephemeral', replace_original: false, text: `ack recorded for <@${OPERATOR}>.` });
    const state = await targetState(env, c.workflowId);
    expect(state.changes).toEqual([{ action: 'ack', actor: OPERATOR, requestId: expect.stringContaining(OPERATOR), source: 'slack' }]);
  });

  it('answers a bad signature 401 and reaches no workflow', async () => {
    const c = await click();
    const ts = Math.floor(Date.now() / 1000);
    expect(await postSigned(url, c.body, { secret: SECRET, timestampSec: ts, signature: `v0=${'0'.repeat(64)}` })).toBe(401);
    expect(await postSigned(url, c.body, { secret: 'another-secret' })).toBe(401);
    expect(await postSigned(url, c.body, { secret: SECRET, headers: { 'x-slack-signature': '' } })).toBe(401);
    expect(responses.callsTo(c.name)).toEqual([]);
    expect(await targetState(env, c.workflowId)).toEqual({ updates: 0, changes: [] });
  });

  it('answers a correctly signed but stale request (timestamp over 5 minutes old) 401 and reaches no workflow', async () => {
    const c = await click();
    expect(await postSigned(url, c.body, { secret: SECRET, timestampSec: Math.floor(Date.now() / 1000) - 6 * 60 })).toBe(401);
    expect(responses.callsTo(c.name)).toEqual([]);
    expect(await targetState(env, c.workflowId)).toEqual({ updates: 0, changes: [] });
  });

  it('tells an unauthorised user "not allowed" through the response_url, logs it, and changes nothing', async () => {
    const c = await click({ userId: 'U0STRANGER' });
    expect(await postSigned(url, c.body, { secret: SECRET })).toBe(200);
    const [reply] = await responses.waitFor(c.name);
    expect(reply!.body).toEqual({ response_type: 'ephemeral', replace_original: false, text: NOT_ALLOWED });
    expect(await targetState(env, c.workflowId)).toEqual({ updates: 0, changes: [] });
    expect(logs.lines().some((l) => l.includes('U0STRANGER') && l.includes('not in PROBE_WAKE_SLACK_ACTORS'))).toBe(true);
  });

  it('changes nothing twice when Slack delivers the same click again', async () => {
    const c = await click();
    expect(await postSigned(url, c.body, { secret: SECRET })).toBe(200);
    await responses.waitFor(c.name, 1);
    // Slack's retry: the same payload, signed anew, with its retry headers.
    expect(await postSigned(url, c.body, { secret: SECRET, headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' } })).toBe(200);
    await responses.waitFor(c.name, 2);
    const state = await targetState(env, c.workflowId);
    expect(state.changes).toHaveLength(1);
  });

  it('refuses a malformed payload: a body that is not JSON (400), a button value that is not ours', async () => {
    const c = await click();
    expect(await postSigned(url, 'payload=%7Bnot-json', { secret: SECRET })).toBe(400);
    const bad = await click({ value: '{"workflowId": 42}' });
    expect(await postSigned(url, bad.body, { secret: SECRET })).toBe(200);
    const [reply] = await responses.waitFor(bad.name);
    expect(reply!.body.text).toMatch(/^Refused: the button value names no workflowId/);
    const foreign = await click({ value: encodeButtonValue({ workflowId: 'probe-tail' }) });
    expect(await postSigned(url, foreign.body, { secret: SECRET })).toBe(200);
    expect((await responses.waitFor(foreign.name))[0]!.body.text).toMatch(/not name a probe-wake investigation/);
    for (const id of [c.workflowId, bad.workflowId, foreign.workflowId]) expect(await targetState(env, id)).toEqual({ updates: 0, changes: [] });
  });

  it('tells the clicker when the investigation takes no operator actions, or has ended', async () => {
    for (const [name, ended, expected] of [
      ['no-handler', false, /^The investigation refused: /],
      ['ended', true, /^This incident is closed/],
    ] as const) {
      const workflowId = `probe-investigation:fly:auth:w-${name}-${Date.now()}`;
      const handle = await env.client.workflow.start(noOperatorActionsWorkflow, { taskQueue: TASK_QUEUE, workflowId });
      if (ended) {
        await handle.signal(finishSignal);
        await handle.result();
      }
      const body = formBody(
        blockActionsPayload({ userId: OPERATOR, actionId: 'probe_wake.reset', value: encodeButtonValue({ workflowId }), actionTs: `1764660000.00000${ended ? 1 : 2}`, responseUrl: responses.url(name) }),
      );
      expect(await postSigned(url, body, { secret: SECRET })).toBe(200);
      const [reply] = await responses.waitFor(name);
      expect(reply!.body.text).toMatch(expected);
      if (!ended) await handle.signal(finishSignal);
    }
  });

  it('answers click after click (the click -> answer times are printed, not asserted)', async () => {
    for (let i = 0; i < 5; i += 1) {
      const c = await click();
      const sent = Date.now();
      expect(await postSigned(url, c.body, { secret: SECRET })).toBe(200);
      const [reply] = await responses.waitFor(c.name);
      latencies.push(reply!.at - sent);
      expect(reply!.body.text).toBe(`ack recorded for <@${OPERATOR}>.`);
    }
  });

  it('logs no secret', () => {
    const text = logs.lines().join('\n');
    expect(text.length).toBeGreaterThan(0);
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(responses.url(''));
  });
});
