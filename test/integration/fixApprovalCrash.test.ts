/**
 * Crash test of the approval-gated fix in the real investigation, inside the production entry
 * (node lib/worker.js) against the Slack, Anthropic and webhook fakes: an investigation whose wake has an
 * enabled envelope offers the fix; the operator approves (the operatorAction Update); the receiver holds
 * its answer; the worker process is SIGKILLed mid-request; a new worker process takes the retry (same
 * Idempotency-Key), the receiver has carried the fix out once, and the result reaches the thread and the
 * audit log.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { fixIdempotencyKey, getIncidentQuery, operatorActionUpdate, type InvestigationOutcome } from '../../src/api';
import type { Wake } from '../../src/domain/auditRow';
import { FakeAnthropic } from '../support/fakeAnthropic';
import { FakeFixWebhook } from '../support/fakeFixWebhook';
import { FakeSlack } from '../support/fakeSlack';
import { eventually } from '../support/poll';
import { devServerEnv } from '../support/temporal';
import { assertBuilt, environmentWithoutOurs, startWorkerProcess, type WorkerProcess } from '../support/workerProcess';

const SECRET = 'approval-crash-webhook-secret-0123456789abcdef';
const FIX = 'restart_unhealthy_machine';
const OPERATOR = 'U024BE7LH';
const TASK_QUEUE = 'probe-wake-approval-crash';

describe('an approved fix survives a worker crash mid-run (real investigation, node lib/worker.js)', () => {
  let env: TestWorkflowEnvironment;
  let tmp: string;
  let webhookUrl: string;
  let slackBase: string;
  let anthropicBase: string;
  const webhook = new FakeFixWebhook(SECRET);
  const slack = new FakeSlack();
  const anthropic = new FakeAnthropic();
  const processes: WorkerProcess[] = [];

  beforeAll(async () => {
    assertBuilt();
    [env, webhookUrl, slackBase, anthropicBase, tmp] = await Promise.all([
      devServerEnv(),
      webhook.start(),
      slack.start(),
      anthropic.start(),
      fs.mkdtemp(path.join(os.tmpdir(), 'probe-approval-crash-')),
    ]);
    await fs.writeFile(path.join(tmp, 'audit.jsonl'), '');
  });
  afterAll(async () => {
    webhook.release();
    await Promise.all(processes.map((p) => p.stop('SIGKILL')));
    await Promise.all([env?.teardown(), webhook.stop(), slack.stop(), anthropic.stop()]);
    if (tmp) await fs.rm(tmp, { recursive: true, force: true });
  });

  async function startWorker(): Promise<WorkerProcess> {
    const worker = await startWorkerProcess({
      ...environmentWithoutOurs(),
      NODE_ENV: 'production',
      TEMPORAL_ADDRESS: env.address,
      TEMPORAL_TASK_QUEUE: TASK_QUEUE,
      PROBE_TAIL_WORKFLOW_ID: 'probe-tail-approval-crash',
      AUDIT_LOG_PATH: path.join(tmp, 'audit.jsonl'),
      PROBE_WAKE_METRICS_ADDRESS: 'off',
      PROBE_WAKE_SHUTDOWN_GRACE_SEC: '1',
      SLACK_BOT_TOKEN: 'xoxb-approval-crash-test-token',
      SLACK_OPERATOR_USER_ID: OPERATOR,
      SLACK_API_URL: slack.apiUrl(slackBase),
      ANTHROPIC_API_KEY: 'sk-ant-approval-crash-test-key',
      ANTHROPIC_BASE_URL: anthropicBase,
      FIX_WEBHOOK_SECRET: SECRET,
      PROBE_FIX_RUNNERS: JSON.stringify({ [FIX]: { url: webhookUrl, secretEnv: 'FIX_WEBHOOK_SECRET' } }),
    });
    processes.push(worker);
    return worker;
  }

  it('approve → the receiver holds the answer → SIGKILL → restart: one execution for the key, the result in the thread and in a probe.fix_executed row', async () => {
    const wake: Wake = {
      wakeId: 'w-crash',
      ts: '2026-12-02T02:00:00.000Z',
      probe: 'fly',
      category: 'auth',
      severity: 'critical',
      summary: 'Fly app(s) unreachable: HTTP 401',
      offset: 0,
      envelope: { enabled: true, fixName: FIX },
    };
    const workflowId = 'probe-investigation:fly:auth:w-crash';
    const key = fixIdempotencyKey(workflowId, FIX);
    const first = await startWorker();
    const handle = await env.client.workflow.start('probeInvestigationWorkflow', { taskQueue: TASK_QUEUE, workflowId, args: [{ wake, windowKey: 'w-crash' }] });
    // The offer: its thread line, once the diagnosis is in.
    await eventually(async () => (slack.posted.some((m) => m.threadTs && m.text.startsWith('🛠️ Fix')) ? true : undefined), 60_000, 'the fix offered in the thread');
    expect((await handle.query(getIncidentQuery)).diagnosed).toBe(true);

    webhook.holdNext();
    const answer = await handle.executeUpdate(operatorActionUpdate, {
      args: [{ action: 'fix_approve', actor: OPERATOR, requestId: 'cli:approval-crash-1', source: 'cli' }],
      updateId: 'cli:approval-crash-1',
    });
    expect(answer).toEqual({ changed: true, message: `Approved, running ${FIX}: its result goes in the thread.` });
    await webhook.callsArrived(1);
    // The fix was carried out, its answer held: the worker dies mid-request.
    await first.stop('SIGKILL');
    await startWorker();
    const outcome = (await handle.result()) as InvestigationOutcome;

    expect(outcome).toMatchObject({ closedBecause: 'delivered' });
    expect(webhook.executionsOf(key)).toBe(1);
    expect(webhook.callsOf(key)).toBe(2);
    expect(webhook.calls.every((c) => c.refused === undefined && c.key === key)).toBe(true);
    const result = await eventually(async () => slack.posted.find((m) => m.threadTs && /^(✅|❌) Fix/.test(m.text)), 30_000, 'the fix result in the thread');
    expect(result.text).toMatch(new RegExp(`^✅ Fix \`${FIX}\` ran: ok, already done \\(the runner had this idempotency key\\) \\(HTTP 409\\)`));
    const rows = (await fs.readFile(path.join(tmp, 'audit.jsonl'), 'utf8')).split('\n').filter((l) => l.includes('"probe.fix_executed"')).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows).toEqual([expect.objectContaining({ workflow_id: workflowId, outcome: 'ran', ok: true, already_done: true, status: 409, attempt: 2, decided_by: OPERATOR, idempotency_key: key })]);
  });
});
