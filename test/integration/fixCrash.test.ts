/**
 * Crash test: the worker process (lib/worker.js) is SIGKILLed while the webhook runner's
 * request is in flight (the fake holds its answer). A new worker process takes the retry,
 * which carries the same Idempotency-Key, so the receiver carries the fix out once.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { fixIdempotencyKey, type FixRunRequest, type FixRunResult } from '../../src/api';
import { FakeFixWebhook } from '../support/fakeFixWebhook';
import { devServerEnv } from '../support/temporal';
import { environmentWithoutOurs, startWorkerProcess, type WorkerProcess } from '../support/workerProcess';

const SECRET = 'crash-test-webhook-secret-0123456789abcdef';
const TASK_QUEUE = 'probe-wake-fix-crash';
const TEST_QUEUE = 'fix-crash-workflows';

describe('runFix survives a worker crash mid-request', () => {
  let env: TestWorkflowEnvironment;
  let tmp: string;
  let url: string;
  const fake = new FakeFixWebhook(SECRET);
  const processes: WorkerProcess[] = [];

  beforeAll(async () => {
    [env, url, tmp] = await Promise.all([devServerEnv(), fake.start(), fs.mkdtemp(path.join(os.tmpdir(), 'probe-fix-crash-'))]);
  });
  afterAll(async () => {
    await Promise.all(processes.map((p) => p.stop('SIGKILL')));
    await Promise.all([env?.teardown(), fake.stop()]);
    await fs.rm(tmp, { recursive: true, force: true });
  });

  async function startWorker(): Promise<WorkerProcess> {
    const worker = await startWorkerProcess({
      ...environmentWithoutOurs(),
      NODE_ENV: 'production',
      TEMPORAL_ADDRESS: env.address,
      TEMPORAL_TASK_QUEUE: TASK_QUEUE,
      AUDIT_LOG_PATH: path.join(tmp, 'audit.jsonl'),
      PROBE_WAKE_METRICS_ADDRESS: 'off',
      PROBE_WAKE_SHUTDOWN_GRACE_SEC: '1',
      FIX_WEBHOOK_SECRET: SECRET,
      PROBE_FIX_RUNNERS: JSON.stringify({ restart_unhealthy_machine: { url, secretEnv: 'FIX_WEBHOOK_SECRET' } }),
    });
    processes.push(worker);
    return worker;
  }

  it('SIGKILL while the receiver holds the answer: the retry on a new worker is answered already done; one execution per key', async () => {
    await fs.writeFile(path.join(tmp, 'audit.jsonl'), '');
    const request: FixRunRequest = {
      workflowId: 'probe-investigation:fly:auth:w-crash',
      fixName: 'restart_unhealthy_machine',
      probe: 'fly',
      category: 'auth',
      wakeId: 'w-crash',
      approvedBy: 'U024BE7LH',
      approvedAt: '2026-12-02T02:00:00.000Z',
    };
    const key = fixIdempotencyKey(request.workflowId, request.fixName);
    const workflows = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: TEST_QUEUE,
      workflowsPath: require.resolve('../support/fixRunWorkflow'),
    });
    const first = await startWorker();
    fake.holdNext();
    const result = await workflows.runUntil(async () => {
      const handle = await env.client.workflow.start('runFixOnceWorkflow', { taskQueue: TEST_QUEUE, workflowId: 'fix-crash-1', args: [request, TASK_QUEUE] });
      await fake.callsArrived(1);
      // The request is in flight, the fix executed, its answer held: the worker dies now.
      await first.stop('SIGKILL');
      await startWorker();
      return (await handle.result()) as FixRunResult;
    });
    expect(result).toMatchObject({ ok: true, alreadyDone: true, status: 409, idempotencyKey: key, attempt: 2 });
    expect(fake.callsOf(key)).toBe(2);
    expect(fake.calls.every((c) => c.refused === undefined && c.key === key)).toBe(true);
    expect(fake.executionsOf(key)).toBe(1);
    fake.release();
  });
});
