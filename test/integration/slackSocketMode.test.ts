/**
 * Integration: the real Bolt SocketModeReceiver (@slack/socket-mode over `ws`) connected to a local fake of
 * Slack's Socket Mode (test/support/fakeSocketMode.ts): apps.connections.open, hello, envelopes,
 * acknowledgements, refresh and redelivery. Each click becomes operatorActionUpdate on a real workflow
 * on the real Temporal dev server.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { encodeButtonValue } from '../../src/domain/slackActions';
import { SlackReceiverError, startSlackReceiver, type SlackReceiver } from '../../src/slack/receiver';
import { TemporalDispatcher } from '../../src/slack/temporalDispatcher';
import { FakeSocketMode } from '../support/fakeSocketMode';
import { eventually } from '../support/poll';
import { blockActionsPayload, memoryLogger, operatorTargetWorker, ResponseUrlServer, startTarget, targetState } from '../support/slackClicks';
import { devServerEnv } from '../support/temporal';

const APP_TOKEN = 'xapp-1-A0FAKEAPP-1-fakeappleveltoken';
const OPERATOR = 'U024BE7LH';
const TASK_QUEUE = 'slack-socket-test';

describe('operator clicks in Socket Mode (Bolt SocketModeReceiver against a Socket Mode fake)', () => {
  let env: TestWorkflowEnvironment;
  let worker: Worker;
  let running: Promise<void>;
  let receiver: SlackReceiver;
  const fake = new FakeSocketMode({ appTokens: [APP_TOKEN] });
  let apiUrl: string;
  const responses = new ResponseUrlServer();
  const logs = memoryLogger();
  const latencies: number[] = [];
  let n = 0;

  beforeAll(async () => {
    env = await devServerEnv();
    ({ worker, running } = await operatorTargetWorker(env, TASK_QUEUE));
    await responses.start();
    apiUrl = await fake.start();
    receiver = (await startSlackReceiver(
      { mode: 'socket', appToken: APP_TOKEN, actors: [OPERATOR] },
      { dispatcher: new TemporalDispatcher(env.client), log: logs.log, slackApiUrl: apiUrl },
    ))!;
  });

  afterAll(async () => {
    await receiver?.stop();
    await fake.stop();
    await responses.stop();
    worker?.shutdown();
    await running;
    await env?.teardown();
    if (latencies.length > 0) process.stderr.write(`slack Socket Mode click -> Update answered (ms): ${latencies.join(', ')}\n`);
  });

  async function click() {
    n += 1;
    const workflowId = `probe-investigation:fly:auth:w-socket-${n}-${Date.now()}`;
    await startTarget(env, TASK_QUEUE, workflowId);
    const name = `socket-${n}`;
    const payload = blockActionsPayload({
      userId: OPERATOR,
      actionId: 'probe_wake.snooze.4h',
      value: encodeButtonValue({ workflowId, snoozeSeconds: 14_400 }),
      actionTs: `1764650${String(n).padStart(3, '0')}.000${n}`,
      responseUrl: responses.url(name),
    });
    return { workflowId, name, payload };
  }

  it('opened its connection with the app token in the Authorization header', () => {
    expect(fake.opens[0]).toEqual({ authorization: `Bearer ${APP_TOKEN}`, ok: true });
    expect(fake.openConnections).toBe(1);
  });

  it('acknowledges the envelope and turns the click into the Update', async () => {
    const c = await click();
    const sent = Date.now();
    const envelopeId = fake.send('interactive', c.payload);
    const [reply] = await responses.waitFor(c.name);
    latencies.push(reply!.at - sent);
    expect(reply!.body).toEqual({ response_type: 'ephemeral', replace_original: false, text: `snooze recorded for <@${OPERATOR}>.` });
    expect(fake.acksOf(envelopeId)).toHaveLength(1);
    expect(fake.deliveriesOf(envelopeId)).toHaveLength(1);
    const state = await targetState(env, c.workflowId);
    expect(state.changes).toEqual([{ action: 'snooze', actor: OPERATOR, snoozeSeconds: 14_400, requestId: expect.any(String), source: 'slack' }]);
  });

  it('gets an envelope whose acknowledgement was lost again (retry_attempt 1) and changes nothing twice', async () => {
    const c = await click();
    fake.loseAcks(1);
    const envelopeId = fake.send('interactive', c.payload);
    await eventually(() => (fake.acksOf(envelopeId).length === 1 ? true : undefined), 20_000, 'the redelivered envelope acknowledged');
    expect(fake.deliveriesOf(envelopeId).map((e) => [e.retry_attempt, e.retry_reason])).toEqual([
      [0, ''],
      [1, 'timeout'],
    ]);
    await responses.waitFor(c.name, 2);
    const state = await targetState(env, c.workflowId);
    expect(state.changes).toHaveLength(1);
  });

  it('reconnects when Slack asks for a refresh, and clicks keep arriving', async () => {
    fake.requestRefresh();
    await eventually(() => (fake.opens.length >= 2 && fake.openConnections === 1 ? true : undefined), 30_000, 'a second connection');
    const c = await click();
    const envelopeId = fake.send('interactive', c.payload);
    await responses.waitFor(c.name);
    expect(fake.acksOf(envelopeId)).toHaveLength(1);
    expect((await targetState(env, c.workflowId)).changes).toHaveLength(1);
  });

  it('stops start-up on an app token Slack refuses (invalid_auth); apps.connections.open without one is not_authed', async () => {
    await expect(
      startSlackReceiver({ mode: 'socket', appToken: 'xapp-1-revoked', actors: [OPERATOR] }, { dispatcher: new TemporalDispatcher(env.client), log: logs.log, slackApiUrl: apiUrl }),
    ).rejects.toThrow(SlackReceiverError);
    expect(fake.opens.at(-1)).toMatchObject({ ok: false, error: 'invalid_auth' });
    const res = await fetch(`${apiUrl}apps.connections.open`, { method: 'POST' });
    expect(await res.json()).toEqual({ ok: false, error: 'not_authed' });
  });

  it('answers click after click (the click -> answer times are printed, not asserted)', async () => {
    for (let i = 0; i < 5; i += 1) {
      const c = await click();
      const sent = Date.now();
      fake.send('interactive', c.payload);
      const [reply] = await responses.waitFor(c.name);
      latencies.push(reply!.at - sent);
      expect(reply!.body.text).toBe(`snooze recorded for <@${OPERATOR}>.`);
    }
  });

  it('logs no secret', () => {
    const text = logs.lines().join('\n');
    expect(text).not.toContain(APP_TOKEN);
    expect(text).not.toContain('fakeappleveltoken');
  });
});
