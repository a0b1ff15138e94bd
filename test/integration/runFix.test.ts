/**
 * The runFix activity against a real HTTP receiver (the webhook fake on 127.0.0.1) and
 * real child processes, run in the SDK's MockActivityEnvironment (attempts, heartbeats).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { fixIdempotencyKey, type FixRunRequest, type FixRunResult } from '../../src/api';
import { createRunFix } from '../../src/activities/runFix';
import { FIX_WEBHOOK_UNAVAILABLE } from '../../src/activities/fixWebhook';
import { parseFixRunners, type FixRunners } from '../../src/domain/fixRunners';
import { FakeFixWebhook } from '../support/fakeFixWebhook';

const SECRET = 'fix-webhook-secret-0123456789abcdefghij';
const OTHER_SECRET = 'not-the-receivers-secret-0123456789abcd';
const NODE = process.execPath;

let n = 0;
function request(overrides: Partial<FixRunRequest> = {}): FixRunRequest {
  n += 1;
  return {
    workflowId: `probe-investigation:fly:auth:w-${n}`,
    fixName: 'restart_unhealthy_machine',
    probe: 'fly',
    category: 'auth',
    wakeId: `w-${n}`,
    approvedBy: 'U024BE7LH',
    approvedAt: '2026-12-02T01:50:00.000Z',
    ...overrides,
  };
}

function runners(entries: Record<string, unknown>, env: Record<string, string> = { FIX_SECRET: SECRET, OTHER_SECRET }): FixRunners {
  const parsed = parseFixRunners(JSON.stringify(entries), env);
  expect(parsed.problems).toEqual([]);
  return parsed.runners;
}

function run(r: FixRunners, req: FixRunRequest, attempt = 1, env = new MockActivityEnvironment({ attempt })): Promise<FixRunResult> {
  return env.run(createRunFix(r), req);
}

describe('runFix: webhook runner', () => {
  const fake = new FakeFixWebhook(SECRET);
  let url: string;
  beforeAll(async () => {
    url = await fake.start();
  });
  afterAll(() => fake.stop());
  beforeEach(() => fake.reset());
  const webhook = (secretEnv = 'FIX_SECRET') => runners({ restart_unhealthy_machine: { url, secretEnv } });

  it('POSTs a signed JSON body with the Idempotency-Key; the receiver verifies it and runs the fix once', async () => {
    const req = request();
    const heartbeats: unknown[] = [];
    const env = new MockActivityEnvironment({ attempt: 1 });
    env.on('heartbeat', (d: unknown) => heartbeats.push(d));
    const result = await run(webhook(), req, 1, env);
    const key = fixIdempotencyKey(req.workflowId, req.fixName);
    expect(result).toEqual({
      ok: true,
      runner: 'webhook',
      fixName: 'restart_unhealthy_machine',
      idempotencyKey: key,
      status: 200,
      outputExcerpt: `restarted machine for ${key}`,
      durationMs: expect.any(Number),
      attempt: 1,
    });
    expect(fake.calls).toHaveLength(1);
    const [call] = fake.calls;
    expect(call!.refused).toBeUndefined();
    expect(call!.key).toBe(`${req.workflowId}/restart_unhealthy_machine`);
    expect(call!.headers['x-probe-wake-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(JSON.parse(call!.body)).toEqual({
      type: 'probe_wake.fix_approved',
      idempotency_key: key,
      workflow_id: req.workflowId,
      fix_name: 'restart_unhealthy_machine',
      probe: 'fly',
      issue_category: 'auth',
      wake_id: req.wakeId,
      approved_by: 'U024BE7LH',
      approved_at: '2026-12-02T01:50:00.000Z',
    });
    expect(fake.executionsOf(key)).toBe(1);
    expect(heartbeats.length).toBeGreaterThan(0);
    // The secret is in no header and not in the body.
    expect(JSON.stringify(call!.headers) + call!.body).not.toContain(SECRET);
  });

  it('signed with the wrong secret: the receiver refuses it (401), nothing runs, the result says so', async () => {
    const req = request();
    const result = await run(webhook('OTHER_SECRET'), req);
    expect(result).toMatchObject({ ok: false, status: 401, reason: 'http_401' });
    expect(fake.calls[0]!.refused).toBe('bad_signature');
    expect(fake.executionsOf(result.idempotencyKey)).toBe(0);
  });

  it('a 503 throws a retryable failure; the retry sends the same key and body; a later repeat is answered as already done', async () => {
    const req = request();
    fake.failNext(503);
    const first = run(webhook(), req, 1);
    await expect(first).rejects.toBeInstanceOf(ApplicationFailure);
    await expect(first).rejects.toMatchObject({ type: FIX_WEBHOOK_UNAVAILABLE, nonRetryable: false });
    const second = await run(webhook(), req, 2);
    expect(second).toMatchObject({ ok: true, status: 200, attempt: 2 });
    const third = await run(webhook(), req, 3);
    expect(third).toMatchObject({ ok: true, status: 200, alreadyDone: true, attempt: 3 });
    const key = fixIdempotencyKey(req.workflowId, req.fixName);
    expect(fake.calls.map((c) => c.key)).toEqual([key, key, key]);
    expect(new Set(fake.calls.map((c) => c.body)).size).toBe(1);
    expect(fake.callsOf(key)).toBe(3);
    expect(fake.executionsOf(key)).toBe(1);
  });

  it('a repeat while the first is still in progress gets 409: already done, not a failure, not a second run', async () => {
    const req = request();
    fake.holdNext();
    const firstEnv = new MockActivityEnvironment({ attempt: 1 });
    const first = run(webhook(), req, 1, firstEnv);
    await fake.callsArrived(1);
    const second = await run(webhook(), req, 2);
    expect(second).toMatchObject({ ok: true, status: 409, alreadyDone: true });
    fake.release();
    expect(await first).toMatchObject({ ok: true, status: 200 });
    expect(fake.executionsOf(second.idempotencyKey)).toBe(1);
  });

  it('the excerpt of a long answer is its last 2 KiB, with the secret redacted', async () => {
    fake.responseText = `${'log line\n'.repeat(1000)}debug: secret=${SECRET}\ndone {key}`;
    const result = await run(webhook(), request());
    expect(result.ok).toBe(true);
    expect(Buffer.byteLength(result.outputExcerpt)).toBeLessThanOrEqual(2048 + 3);
    expect(result.outputExcerpt).toContain('debug: secret=[redacted]');
    expect(result.outputExcerpt).not.toContain(SECRET);
    expect(result.outputExcerpt.endsWith(`done ${result.idempotencyKey}`)).toBe(true);
  });

  it('a receiver that cannot be reached throws a retryable failure', async () => {
    const gone = runners({ restart_unhealthy_machine: { url: 'http://127.0.0.1:9/fix', secretEnv: 'FIX_SECRET' } });
    await expect(run(gone, request())).rejects.toMatchObject({ type: FIX_WEBHOOK_UNAVAILABLE, nonRetryable: false });
  });

  it('a fix with no runner is answered no_runner, and nothing is called', async () => {
    const result = await run(webhook(), request({ fixName: 'rotate_token' }));
    expect(result).toMatchObject({ ok: false, runner: 'none', reason: 'no_runner' });
    expect(fake.calls).toHaveLength(0);
  });
});

describe('runFix: command runner', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'probe-fix-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const PRINT = 'console.log(JSON.stringify({ argv: process.argv.slice(1), env: Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith("PROBE_WAKE_") || k === "SLACK_BOT_TOKEN" || k === "FIX_SECRET")) }))';

  it('runs argv as configured, no shell: wake fields arrive as env vars, verbatim, and nothing in them is run', async () => {
    const marker = path.join(dir, 'pwned');
    const req = request({ probe: `fly;touch ${marker}`, category: `$(touch ${marker})`, wakeId: '`id`', approvedBy: "U1' && touch x" });
    const r = runners({ restart_unhealthy_machine: { command: [NODE, '-e', PRINT, '--', '--app', 'kora-runtime'] } });
    const before = process.env.SLACK_BOT_TOKEN;
    process.env.SLACK_BOT_TOKEN = 'xoxb-worker-secret';
    let result: FixRunResult;
    try {
      result = await run(r, req);
    } finally {
      if (before === undefined) delete process.env.SLACK_BOT_TOKEN;
      else process.env.SLACK_BOT_TOKEN = before;
    }
    expect(result).toMatchObject({ ok: true, runner: 'command', exitCode: 0 });
    const printed = JSON.parse(result.outputExcerpt) as { argv: string[]; env: Record<string, string> };
    expect(printed.argv).toEqual(['--app', 'kora-runtime']);
    expect(printed.env).toEqual({
      PROBE_WAKE_IDEMPOTENCY_KEY: fixIdempotencyKey(req.workflowId, req.fixName),
      PROBE_WAKE_WORKFLOW_ID: req.workflowId,
      PROBE_WAKE_FIX_NAME: 'restart_unhealthy_machine',
      PROBE_WAKE_PROBE: `fly;touch ${marker}`,
      PROBE_WAKE_CATEGORY: `$(touch ${marker})`,
      PROBE_WAKE_WAKE_ID: '`id`',
      PROBE_WAKE_APPROVED_BY: "U1' && touch x",
      PROBE_WAKE_APPROVED_AT: '2026-12-02T01:50:00.000Z',
    });
    expect(existsSync(marker)).toBe(false);
  });

  it('the same idempotency key reaches the command on every attempt', async () => {
    const req = request();
    const r = runners({ restart_unhealthy_machine: { command: [NODE, '-e', 'console.log(process.env.PROBE_WAKE_IDEMPOTENCY_KEY)'] } });
    const first = await run(r, req, 1);
    const second = await run(r, req, 2);
    expect(first.outputExcerpt.trim()).toBe(fixIdempotencyKey(req.workflowId, req.fixName));
    expect(second.outputExcerpt).toBe(first.outputExcerpt);
  });

  it('a command past its timeout is ended (its process group), and the result says timeout', async () => {
    const r = runners({ restart_unhealthy_machine: { command: [NODE, '-e', 'console.log("started"); setTimeout(() => console.log("finished"), 60000)'], timeoutSeconds: 1 } });
    const result = await run(r, request());
    expect(result).toMatchObject({ ok: false, reason: 'timeout', signal: 'SIGTERM' });
    expect(result.outputExcerpt).toContain('started');
    expect(result.outputExcerpt).not.toContain('finished');
  });

  it('a failing command: ok false with its exit code; the excerpt is bounded and a configured secret is redacted', async () => {
    const r = runners({
      restart_unhealthy_machine: { command: [NODE, '-e', `process.stdout.write("x".repeat(100000)); console.error("leaked ${SECRET}"); process.exit(3)`] },
      other: { url: 'https://ops.example/fix', secretEnv: 'FIX_SECRET' },
    });
    const result = await run(r, request());
    expect(result).toMatchObject({ ok: false, exitCode: 3, reason: 'exit_3' });
    expect(Buffer.byteLength(result.outputExcerpt)).toBeLessThanOrEqual(2048 + 3);
    expect(result.outputExcerpt).toContain('leaked [redacted]');
    expect(result.outputExcerpt).not.toContain(SECRET);
  });

  it('a program that is not there: spawn_error, not a crash', async () => {
    const r = runners({ restart_unhealthy_machine: { command: [path.join(dir, 'no-such-program')] } });
    expect(await run(r, request())).toMatchObject({ ok: false, reason: 'spawn_error:ENOENT' });
  });
});
