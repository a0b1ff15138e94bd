/**
 * The Slack receiver inside the production entry `node lib/worker.js` (src/worker/serve.ts starts it):
 * over HTTP and in Socket Mode (two workers at once against the Socket Mode fake), and a bad app token
 * stopping start-up. Clicks go to a test-only target workflow on the real dev server.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { encodeButtonValue } from '../../src/domain/slackActions';
import { FakeSocketMode } from '../support/fakeSocketMode';
import { eventually } from '../support/poll';
import { freePort } from '../support/ports';
import { blockActionsPayload, formBody, operatorTargetWorker, postSigned, ResponseUrlServer, startTarget, targetState } from '../support/slackClicks';
import { devServerEnv } from '../support/temporal';
import { assertBuilt, environmentWithoutOurs, spawnWorkerProcess, startWorkerProcess, type WorkerProcess } from '../support/workerProcess';

const SECRET = 'worker-signing-secret-5d41402a';
const APP_TOKEN = 'xapp-1-A0FAKEAPP-1-workerappleveltoken';
const OPERATOR = 'U024BE7LH';
const TARGET_QUEUE = 'slack-worker-target';

describe('the Slack receiver in node lib/worker.js', () => {
  let env: TestWorkflowEnvironment;
  let target: Worker;
  let targetRunning: Promise<void>;
  let tmp: string;
  const responses = new ResponseUrlServer();
  const fake = new FakeSocketMode({ appTokens: [APP_TOKEN] });
  let apiUrl: string;
  const workers: WorkerProcess[] = [];
  let n = 0;

  beforeAll(async () => {
    assertBuilt();
    env = await devServerEnv();
    ({ worker: target, running: targetRunning } = await operatorTargetWorker(env, TARGET_QUEUE));
    await responses.start();
    apiUrl = await fake.start();
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'probe-wake-slack-'));
  });

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop('SIGKILL')));
    await fake.stop();
    await responses.stop();
    target?.shutdown();
    await targetRunning;
    await env?.teardown();
    if (tmp) await fs.rm(tmp, { recursive: true, force: true });
  });

  async function workerEnv(extra: NodeJS.ProcessEnv): Promise<NodeJS.ProcessEnv> {
    n += 1;
    const auditLog = path.join(tmp, `audit-${n}.jsonl`);
    await fs.writeFile(auditLog, '');
    return {
      ...environmentWithoutOurs(),
      NODE_ENV: 'production',
      TEMPORAL_ADDRESS: env.address,
      TEMPORAL_NAMESPACE: 'default',
      TEMPORAL_TASK_QUEUE: `probe-wake-slack-${n}`,
      PROBE_TAIL_WORKFLOW_ID: `probe-tail-slack-${n}`,
      AUDIT_LOG_PATH: auditLog,
      PROBE_WAKE_METRICS_ADDRESS: 'off',
      SLACK_OPERATOR_USER_ID: OPERATOR,
      ...extra,
    };
  }

  async function targetWorkflow(): Promise<string> {
    const workflowId = `probe-investigation:fly:auth:w-worker-${n}-${Date.now()}`;
    await startTarget(env, TARGET_QUEUE, workflowId);
    return workflowId;
  }

  it('receives a signed click over HTTP and executes it as the Update', async () => {
    const port = await freePort();
    const worker = await startWorkerProcess(await workerEnv({ SLACK_SIGNING_SECRET: SECRET, PROBE_WAKE_SLACK_HTTP_ADDRESS: `127.0.0.1:${port}` }));
    workers.push(worker);
    expect(worker.stdout()).toContain('slack receiver listening (HTTP)');
    const workflowId = await targetWorkflow();
    const body = formBody(blockActionsPayload({ userId: OPERATOR, actionId: 'probe_wake.ack', value: encodeButtonValue({ workflowId }), actionTs: '1764670000.000001', responseUrl: responses.url('worker-http') }));
    expect(await postSigned(`http://127.0.0.1:${port}/slack/events`, body, { secret: SECRET })).toBe(200);
    const [reply] = await responses.waitFor('worker-http');
    expect(reply!.body.text).toBe(`ack recorded for <@${OPERATOR}>.`);
    expect((await targetState(env, workflowId)).changes).toHaveLength(1);
    expect(worker.stdout() + worker.stderr()).not.toContain(SECRET);
    // The receiver closes with the worker: SIGTERM drains and exits 0, the port is free again.
    expect(await worker.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    await expect(postSigned(`http://127.0.0.1:${port}/slack/events`, body, { secret: SECRET })).rejects.toThrow();
  });

  it('runs in Socket Mode in two workers at once; a click is executed once', async () => {
    const extra = { SLACK_APP_TOKEN: APP_TOKEN, SLACK_API_URL: apiUrl };
    const pair = await Promise.all([startWorkerProcess(await workerEnv(extra)), startWorkerProcess(await workerEnv(extra))]);
    workers.push(...pair);
    await eventually(() => (fake.openConnections === 2 ? true : undefined), 30_000, 'two Socket Mode connections');
    const workflowId = await targetWorkflow();
    const envelopeId = fake.send(
      'interactive',
      blockActionsPayload({ userId: OPERATOR, actionId: 'probe_wake.reset', value: encodeButtonValue({ workflowId }), actionTs: '1764670000.000002', responseUrl: responses.url('worker-socket') }),
    );
    await responses.waitFor('worker-socket');
    expect(fake.acksOf(envelopeId)).toHaveLength(1);
    expect((await targetState(env, workflowId)).changes).toEqual([expect.objectContaining({ action: 'reset', actor: OPERATOR })]);
    for (const w of pair) expect(w.stdout() + w.stderr()).not.toContain(APP_TOKEN);
    expect(await Promise.all(pair.map((w) => w.stop('SIGTERM')))).toEqual([
      { code: 0, signal: null },
      { code: 0, signal: null },
    ]);
  });

  it('stops start-up (exit 2) on an app token without xapp-, naming the variable and not the value', async () => {
    const worker = spawnWorkerProcess(await workerEnv({ SLACK_APP_TOKEN: 'xoxb-wrong-kind-of-token' }));
    workers.push(worker);
    const exit = await worker.exited;
    expect(exit.code).toBe(2);
    expect(worker.stderr()).toMatch(/SLACK_APP_TOKEN: must be an app-level token/);
    expect(worker.stdout() + worker.stderr()).not.toContain('xoxb-wrong-kind-of-token');
  });
});
