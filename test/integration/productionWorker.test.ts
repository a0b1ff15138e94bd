/**
 * The production entry `node lib/worker.js` as real processes against the
 * Temporal dev server and the fake Slack / Anthropic servers: Temporal env
 * config, Prometheus metrics, structured logs without secrets, draining on
 * SIGTERM, and two workers sharing one task queue.
 */
import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { getStateQuery, investigationWorkflowId } from '../../src/api';
import { FakeAnthropic, FAKE_DIAGNOSIS } from '../support/fakeAnthropic';
import { FakeSlack } from '../support/fakeSlack';
import { fixtureLines } from '../support/fixtures';
import { metricSum, scrape, scrapeText } from '../support/prometheus';
import { localActivitiesRecorded } from '../support/history';
import { devServerEnv } from '../support/temporal';
import { diagnosisOf } from '../support/diagnosis';
import { eventually } from '../support/poll';
import { freePort } from '../support/ports';
import { assertBuilt, environmentWithoutOurs, startWorkerProcess, WORKER_JS, type WorkerProcess } from '../support/workerProcess';

const SECRETS = {
  SLACK_BOT_TOKEN: 'xoxb-prodtest-4f1d9a7c2b',
  ANTHROPIC_API_KEY: 'sk-ant-prodtest-8e3c5b1a9d',
  TEMPORAL_API_KEY: 'tmprl-prodtest-6a2f0c9e4d',
};
const ARTIFACTS = path.resolve(__dirname, '..', '..', 'test-artifacts');
const EventType = temporal.api.enums.v1.EventType;
const HEALTHCHECK_JS = path.join(path.dirname(WORKER_JS), 'healthcheck.js');

function wakeRow(wakeId: string, probe: string, category: string, severity = 'warning'): string {
  return JSON.stringify({ ts: '2026-11-23T10:15:02.113Z', event: 'probe.wake_requested', wake_id: wakeId, probe, issue_category: category, severity, summary: `${probe} ${category}` }) + '\n';
}

function expectNoSecrets(worker: WorkerProcess): void {
  const output = worker.stdout() + worker.stderr();
  for (const [name, value] of Object.entries(SECRETS)) {
    expect({ name, leaked: output.includes(value) }).toEqual({ name, leaked: false });
  }
}

describe('node lib/worker.js (production entry)', () => {
  let env: TestWorkflowEnvironment;
  let tmp: string;
  const slack = new FakeSlack();
  const anthropic = new FakeAnthropic();
  let slackBase: string;
  let anthropicBase: string;
  const running: WorkerProcess[] = [];
  let n = 0;

  beforeAll(async () => {
    assertBuilt();
    [env, slackBase, anthropicBase] = await Promise.all([devServerEnv(), slack.start(), anthropic.start()]);
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'probe-wake-prod-'));
  });

  afterAll(async () => {
    await Promise.all(running.map((w) => w.stop('SIGKILL')));
    await Promise.all([env?.teardown(), slack.stop(), anthropic.stop()]);
    if (tmp) await fs.rm(tmp, { recursive: true, force: true });
  });

  beforeEach(() => {
    slack.reset();
    anthropic.reset();
    n += 1;
  });

  /** One deployment: its own task queue, tail ID and audit log, shared by the workers started for it. */
  async function deployment(extra: NodeJS.ProcessEnv = {}) {
    const auditLog = path.join(tmp, `audit-${n}.jsonl`);
    await fs.writeFile(auditLog, '');
    const tailId = `probe-tail-prod-${n}`;
    const workerEnv = async (): Promise<NodeJS.ProcessEnv> => ({
      ...environmentWithoutOurs(),
      NODE_ENV: 'production',
      LOG_LEVEL: 'debug',
      TEMPORAL_ADDRESS: env.address,
      TEMPORAL_NAMESPACE: 'default',
      // The API key rides on every gRPC call; TLS is off because the dev server speaks plaintext.
      TEMPORAL_API_KEY: SECRETS.TEMPORAL_API_KEY,
      TEMPORAL_TLS: 'false',
      TEMPORAL_TASK_QUEUE: `probe-wake-prod-${n}`,
      PROBE_TAIL_WORKFLOW_ID: tailId,
      AUDIT_LOG_PATH: auditLog,
      PROBE_WAKE_POLL_SEC: '0.5',
      PROBE_WAKE_METRICS_ADDRESS: `127.0.0.1:${await freePort()}`,
      SLACK_BOT_TOKEN: SECRETS.SLACK_BOT_TOKEN,
      SLACK_OPERATOR_USER_ID: 'U024BE7LH',
      SLACK_API_URL: slack.apiUrl(slackBase),
      ANTHROPIC_API_KEY: SECRETS.ANTHROPIC_API_KEY,
      ANTHROPIC_BASE_URL: anthropicBase,
      ...extra,
    });
    const start = async () => {
      const workerEnvironment = await workerEnv();
      const worker = await startWorkerProcess(workerEnvironment);
      running.push(worker);
      return { worker, metricsUrl: `http://${workerEnvironment.PROBE_WAKE_METRICS_ADDRESS}/metrics`, env: workerEnvironment };
    };
    /** The tail stamps its cursor at the end of the file on its first read; rows appended after that are new. */
    const cursorStamped = () =>
      eventually(async () => ((await env.client.workflow.getHandle(tailId).query(getStateQuery)).cursor ? true : undefined), 30_000, 'tail cursor');
    const append = (text: string) => fs.appendFile(auditLog, text);
    return { start, cursorStamped, append, tailId };
  }

  it('serves the SDK metrics and our counters on /metrics, answers the healthcheck, and logs JSON without secrets', async () => {
    // Short windows: the SDK counts an investigation's completion when its window closes (the second fly wake is read
    // in the same batch as the first, well inside 10 s, so it is still debounced).
    const d = await deployment({ PROBE_DEBOUNCE_SECONDS: '10' });
    const { worker, metricsUrl, env: workerEnv } = await d.start();
    await d.cursorStamped();

    const before = await scrape(metricsUrl);
    expect(before.some((s) => s.name.startsWith('temporal_'))).toBe(true);
    expect(metricSum(before, 'probe_wake_wakes')).toBe(0);

    // Sample log: fly/auth twice (one debounced), postgres, disk; plus a bad row. One Slack post fails for good.
    slack.script('chat.postMessage', FakeSlack.platformError('channel_not_found'));
    // Then two healthy fly results: its window recovers (PROBE_RECOVERY_CONFIRMATIONS defaults to 2).
    const flyHealthy = '{"ts":"2026-11-23T10:20:00.000Z","event":"probe.result","probe":"fly","status":"healthy"}\n';
    await d.append(fixtureLines('audit-sample.jsonl').join('\n') + '\n' + 'this is not json\n' + flyHealthy + flyHealthy);

    const after = await eventually(async () => {
      const samples = await scrape(metricsUrl);
      // Our counter moves in the workflow's last activation; the SDK counts the completion once the server has it.
      // rows read: the 11 appended plus the 6 investigation rows (started + completed) the 3 investigations wrote back.
      const done =
        metricSum(samples, 'probe_wake_investigations') >= 3 &&
        metricSum(samples, 'temporal_workflow_completed', { workflow_type: 'probeInvestigationWorkflow' }) >= 3 &&
        metricSum(samples, 'probe_wake_rows_read') >= 17;
      return done ? samples : undefined;
    }, 90_000, '3 completed investigations in /metrics');
    const tq = { taskQueue: `probe-wake-prod-${n}` };
    expect({
      wakes: metricSum(after, 'probe_wake_wakes', tq),
      flyWakes: metricSum(after, 'probe_wake_wakes', { ...tq, probe: 'fly', category: 'auth', severity: 'critical' }),
      debounced: metricSum(after, 'probe_wake_debounced', { ...tq, probe: 'fly' }),
      started: metricSum(after, 'probe_wake_investigations_started', tq),
      investigated: metricSum(after, 'probe_wake_investigations', { ...tq, outcome: 'investigated' }),
      fallback: metricSum(after, 'probe_wake_investigations', { ...tq, outcome: 'fallback' }),
      dmsSent: metricSum(after, 'probe_wake_dms_sent', tq),
      dmFailures: metricSum(after, 'probe_wake_dm_failures', { ...tq, reason: 'slack_error:channel_not_found' }),
      badRows: metricSum(after, 'probe_wake_bad_rows', tq),
      rowsRead: metricSum(after, 'probe_wake_rows_read', tq),
      flyRecovered: metricSum(after, 'probe_wake_windows_recovered', { ...tq, probe: 'fly', category: 'auth', by: 'results' }),
      recovered: metricSum(after, 'probe_wake_windows_recovered', tq),
    }).toEqual({ wakes: 4, flyWakes: 2, debounced: 1, started: 3, investigated: 3, fallback: 0, dmsSent: 2, dmFailures: 1, badRows: 1, rowsRead: 17, flyRecovered: 1, recovered: 1 });
    // Kept as a test artifact: what an operator's scrape looks like.
    await fs.mkdir(ARTIFACTS, { recursive: true });
    await fs.writeFile(path.join(ARTIFACTS, 'metrics-scrape.txt'), await scrapeText(metricsUrl));
    // The SDK's own metrics are there too (its labels are snake_case, the workflow meter's camelCase).
    const sdkTq = { task_queue: `probe-wake-prod-${n}` };
    expect(metricSum(after, 'temporal_workflow_completed', { ...sdkTq, workflow_type: 'probeInvestigationWorkflow' })).toBe(3);
    expect(metricSum(after, 'temporal_activity_execution_latency_count', { ...sdkTq, activity_type: 'askModel' })).toBe(3);

    const healthy = spawnSync(process.execPath, [HEALTHCHECK_JS], { env: workerEnv, timeout: 15_000 });
    expect(healthy.status).toBe(0);
    const nothingThere = spawnSync(process.execPath, [HEALTHCHECK_JS], { env: { ...workerEnv, PROBE_WAKE_METRICS_ADDRESS: `127.0.0.1:${await freePort()}` }, timeout: 15_000 });
    expect(nothingThere.status).toBe(1);

    // The secrets were really in use...
    expect(slack.requests.some((r) => r.headers.authorization === `Bearer ${SECRETS.SLACK_BOT_TOKEN}`)).toBe(true);
    expect(anthropic.messageRequests.length).toBe(3);
    const result = await worker.stop('SIGTERM');
    expect(result).toEqual({ code: 0, signal: null });
    // ...yet never printed, and every stdout line is a JSON log record.
    expectNoSecrets(worker);
    const lines = worker.logLines();
    expect(lines.length).toBeGreaterThan(5);
    expect(lines.every((l) => typeof l.level === 'number' && typeof l.msg === 'string' && typeof l.time === 'number')).toBe(true);
    expect(lines.map((l) => l.msg)).toEqual(expect.arrayContaining(['serving Prometheus metrics', 'worker started', 'worker stopped']));
    // It ran the prebuilt bundle: no webpack run at start-up.
    expect(lines.map((l) => l.msg)).not.toContain('Workflow bundle created');
    const compiled = require(path.join(path.dirname(WORKER_JS), 'worker', 'createWorker.js')) as typeof import('../../src/worker/createWorker');
    expect(compiled.workflowSource()).toEqual({ workflowBundle: { codePath: path.join(path.dirname(WORKER_JS), 'workflow-bundle.js') } });
  });

  it('drains an in-flight activity on SIGTERM: the LLM call completes, the process exits 0, and a new worker finishes the investigation', async () => {
    const d = await deployment({ PROBE_WAKE_SHUTDOWN_GRACE_SEC: '60' });
    const first = await d.start();
    await d.cursorStamped();
    anthropic.script('/v1/messages', { kind: 'slow', delayMs: 4000, then: FakeAnthropic.text(FAKE_DIAGNOSIS) });
    await d.append(wakeRow('w-drain-1', 'drain', 'slow_llm', 'critical'));
    await eventually(() => (anthropic.messageRequests.length === 1 ? true : undefined), 30_000, 'the LLM request in flight');

    const exit = await first.worker.stop('SIGTERM');
    expect(exit).toEqual({ code: 0, signal: null });
    expectNoSecrets(first.worker);

    // With no worker running, the history already holds the completed LLM activity: it was drained, not cancelled.
    const handle = env.client.workflow.getHandle(investigationWorkflowId('drain', 'slow_llm', 'w-drain-1'));
    const { events } = await handle.fetchHistory();
    const activityEvents = (events ?? [])
      .map((e) => EventType[e.eventType ?? 0])
      .filter((name) => name?.startsWith('EVENT_TYPE_ACTIVITY_TASK_'));
    const scheduled = (events ?? []).map((e) => e.activityTaskScheduledEventAttributes?.activityType?.name).filter(Boolean);
    // The incident settings, telemetry (started row) and prepare ran as local activities, recorded as markers; the
    // alert was handed to the outbox, then the slow model turn was scheduled, started and completed; nothing failed or cancelled.
    expect(localActivitiesRecorded(events ?? [])).toEqual(['incidentSettings', 'dmDeliverySettings', 'appendInvestigationRow', 'prepareInvestigation']);
    expect(scheduled).toEqual(['enqueueMessage', 'askModel']);
    expect(activityEvents).toEqual(scheduled.flatMap(() => ['EVENT_TYPE_ACTIVITY_TASK_SCHEDULED', 'EVENT_TYPE_ACTIVITY_TASK_STARTED', 'EVENT_TYPE_ACTIVITY_TASK_COMPLETED']));
    expect((await handle.describe()).status.name).toBe('RUNNING');

    const second = await d.start();
    // Diagnosed and delivered (the incident then lives on until its window closes).
    const outcome = await diagnosisOf(env.client, handle.workflowId, 60_000);
    expect({ investigated: outcome.investigated, dmSent: outcome.dmSent }).toEqual({ investigated: true, dmSent: true });
    expect(anthropic.messageRequests.length).toBe(1);
    expect(slack.roots.length).toBe(1);
    expect((await second.worker.stop('SIGTERM')).code).toBe(0);
  });

  it('two workers on one task queue: N wakes give exactly N DMs; one is killed and the other carries on', async () => {
    const d = await deployment({ PROBE_DEBOUNCE_SECONDS: '600' });
    const a = await d.start();
    const b = await d.start();
    await d.cursorStamped();

    const burst = (from: number, to: number) =>
      Array.from({ length: to - from }, (_, i) => wakeRow(`w-pair-${from + i}`, `pair${from + i}`, 'load')).join('');
    // The investigations' roots; a storm digest (10 windows in seconds) is a root of its own, not an investigation's.
    const sentIds = () => slack.roots.map((p) => String(p.metadata?.event_payload?.key)).filter((key) => !key.startsWith('probe-storm:'));
    const expectedIds = (count: number) => Array.from({ length: count }, (_, i) => investigationWorkflowId(`pair${i}`, 'load', `w-pair-${i}`)).sort();

    await d.append(burst(0, 6));
    await eventually(() => (sentIds().length >= 6 ? true : undefined), 60_000, '6 DMs with two workers');

    const killed = await a.worker.stop('SIGKILL');
    expect(killed.signal).toBe('SIGKILL');
    await d.append(burst(6, 10));
    await eventually(() => (sentIds().length >= 10 ? true : undefined), 90_000, '10 DMs after one worker died');

    // Every investigation has delivered its diagnosis, so no root message is owed any more: exactly one root each.
    for (const id of expectedIds(10)) {
      expect((await diagnosisOf(env.client, id, 90_000)).dmSent).toBe(true);
    }
    expect(sentIds().sort()).toEqual(expectedIds(10));
    expect(anthropic.messageRequests.length).toBe(10);
    expect((await b.worker.stop('SIGTERM')).code).toBe(0);
    // A worker killed between Slack's answer and its report leaves a deliverMessage retry that waits out its 30 s timeout.
  }, 240_000);
});
