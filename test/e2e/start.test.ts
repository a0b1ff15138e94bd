import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { getStateQuery, threadReplyKey, type TailStateView } from '../../src/api';
import { INVESTIGATION_RUNNING } from '../../src/domain/incidentMessage';
import { FAKE_DIAGNOSIS, FakeAnthropic } from '../support/fakeAnthropic';
import { FakeSlack, type PostedDm } from '../support/fakeSlack';
import { fixtureText } from '../support/fixtures';
import { eventually } from '../support/poll';
import { freePort } from '../support/ports';

/**
 * The `npm start` entry (lib/main.js, built by pretest) as a child process:
 * its own dev server, worker and tail, against a temp audit log and the fakes.
 */
const ROOT = path.resolve(__dirname, '..', '..');
const MAIN = path.join(ROOT, 'lib', 'main.js');
const ARTIFACTS = path.join(ROOT, 'test-artifacts');
const SAMPLE = fixtureText('audit-sample.jsonl');
/** Two healthy results of the fly probe (PROBE_RECOVERY_CONFIRMATIONS defaults to 2): its window recovers. */
const FLY_HEALTHY =
  '{"ts":"2026-11-23T10:40:00.000Z","event":"probe.result","probe":"fly","status":"healthy","summary":"Fly apps reachable"}\n' +
  '{"ts":"2026-11-23T10:41:00.000Z","event":"probe.result","probe":"fly","status":"healthy","summary":"Fly apps reachable"}\n';
const HISTORY_ROW =
  '{"ts":"2026-11-23T09:00:00.000Z","event":"probe.wake_requested","wake_id":"w-history","probe":"history","issue_category":"old","severity":"critical"}\n';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** How long the process may take to exit once it logged "probe-wake stopped": far above the ~0.3 s it takes. */
const EXIT_AFTER_STOPPED_BOUND_MS = 10_000;

interface Stopped {
  code: number | null;
  /** The dev server's pid, from the ready log line. */
  devServerPid: number | undefined;
  /** Evidence, not asserted: signal to "probe-wake stopped", and "stopped" to exit. */
  stoppedAfterMs: number;
  exitedAfterStoppedMs: number;
}

interface RunningService {
  output(): string;
  /**
   * Sends `signal` (SIGINT is Ctrl-C), waits for "probe-wake stopped", then
   * for the exit; throws if the process is still alive EXIT_AFTER_STOPPED_BOUND_MS
   * after it said it stopped (something left running holds it open).
   */
  stop(signal?: NodeJS.Signals): Promise<Stopped>;
}

async function startService(env: NodeJS.ProcessEnv, cwd: string): Promise<RunningService> {
  const child = spawn(process.execPath, [MAIN], { cwd, env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  let exitCode: number | null | undefined;
  child.once('exit', (code) => (exitCode = code));
  const service: RunningService = {
    output: () => `${stderr}\n${stdout}`,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      const ready = /"devServerPid":(\d+)/.exec(stdout);
      const signalledAt = Date.now();
      child.kill(signal);
      await eventually(() => (stdout.includes('"msg":"probe-wake stopped"') || exitCode !== undefined ? true : undefined), 60_000, 'probe-wake stopped');
      const stoppedAt = Date.now();
      const code = await eventually(() => exitCode, EXIT_AFTER_STOPPED_BOUND_MS, `exit after "probe-wake stopped" (${signal})`).catch(
        (err: Error) => {
          child.kill('SIGKILL');
          throw err;
        },
      );
      return {
        code,
        devServerPid: ready ? Number(ready[1]) : undefined,
        stoppedAfterMs: stoppedAt - signalledAt,
        exitedAfterStoppedMs: Date.now() - stoppedAt,
      };
    },
  };
  try {
    await eventually(() => (stderr.includes('probe-wake is running.') ? true : undefined), 90_000, 'start-up');
  } catch (err) {
    await service.stop();
    throw new Error(`${(err as Error).message}; output:\n${service.output()}`);
  }
  return service;
}

let dir: string;
beforeAll(() => {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`npm run build\` (npm test does it in pretest)`);
  dir = mkdtempSync(path.join(tmpdir(), 'probe-wake-e2e-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('npm start entry', () => {
  it('stops start-up on a malformed variable, naming it', () => {
    const result = spawnSync(process.execPath, [MAIN], {
      env: { ...process.env, PROBE_WAKE_POLL_SEC: 'abc', PROBE_DEBOUNCE_SECONDS: '-1' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('PROBE_WAKE_POLL_SEC="abc"');
    expect(result.stderr).toContain('PROBE_DEBOUNCE_SECONDS="-1"');
  });

  it('turns the appended sample log into 3 incidents (alert, diagnosis edit, repeat, recovery), shuts down cleanly, and resumes with new settings', async () => {
    const slack = new FakeSlack();
    const anthropic = new FakeAnthropic();
    const slackBase = await slack.start();
    const anthropicBase = await anthropic.start();
    const auditLog = path.join(dir, 'audit.jsonl');
    // History written before the first start must not be replayed.
    writeFileSync(auditLog, HISTORY_ROW);
    const port = await freePort();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      AUDIT_LOG_PATH: auditLog,
      PROBE_WAKE_POLL_SEC: '1',
      TEMPORAL_DEV_PORT: String(port),
      TEMPORAL_DEV_UI_PORT: String(await freePort()),
      TEMPORAL_DEV_DB_FILE: path.join(dir, 'temporal.db'),
      SLACK_BOT_TOKEN: 'xoxb-e2e-token',
      SLACK_OPERATOR_USER_ID: 'U0OPERATOR',
      SLACK_API_URL: slack.apiUrl(slackBase),
      ANTHROPIC_API_KEY: 'sk-ant-e2e-key',
      ANTHROPIC_BASE_URL: anthropicBase,
      LOG_LEVEL: 'info',
    };
    delete env.TEMPORAL_ADDRESS;

    const queryState = async (): Promise<TailStateView> => {
      const connection = await Connection.connect({ address: `127.0.0.1:${port}` });
      try {
        return await new Client({ connection }).workflow.getHandle('probe-tail').query(getStateQuery);
      } finally {
        await connection.close();
      }
    };

    try {
      // First run: fresh state, the sample appended after start-up.
      const first = await startService(env, dir);
      let firstState: TailStateView;
      let firstStop: Awaited<ReturnType<RunningService['stop']>>;
      let appendedAt = 0;
      let alerts: Array<{ key: string; firstText: string }> = [];
      let fly: PostedDm;
      try {
        expect(first.output()).toContain(`Temporal UI: http://127.0.0.1:${env.TEMPORAL_DEV_UI_PORT}/namespaces/default/workflows`);
        await eventually(async () => ((await queryState()).cursor ? true : undefined), 30_000, 'first tick');
        // A model slower than the outbox's pace (1 post a second), so each alert is posted before its diagnosis
        // exists; a faster one would have the queued alert carry the diagnosis in its first post (coalescing).
        for (let i = 0; i < 3; i++) anthropic.script('/v1/messages', { kind: 'slow', delayMs: 6_000, then: FakeAnthropic.text(FAKE_DIAGNOSIS) });
        appendedAt = Date.now();
        appendFileSync(auditLog, SAMPLE);
        // Alert at once, then the same message edited into the diagnosis, with one details reply in its thread.
        await eventually(() => (slack.roots.length >= 3 ? true : undefined), 60_000, '3 root messages');
        const roots = await eventually(() => {
          const diagnosed = slack.roots.filter((m) => m.edits.length > 0 && !m.text.includes(INVESTIGATION_RUNNING) && slack.byKey(threadReplyKey(m.key!, 'details')).length === 1);
          return diagnosed.length === 3 ? diagnosed : undefined;
        }, 90_000, '3 diagnoses edited in place, each with its details reply').catch((err: Error) => {
          throw new Error(`${err.message}; Slack holds ${JSON.stringify(slack.dms.map((m) => ({ key: m.key, thread: m.threadTs, edits: m.edits.length, text: m.text.slice(0, 120) })))}`);
        });
        alerts = roots.map((m) => ({ key: m.key!, firstText: firstRevision(slack, m) }));
        fly = roots.find((m) => m.text.startsWith('🚨 Probe alert · fly'))!;
        // The sample's second fly wake (w-7f3b) is a repeat: the root's context line counts it (at most one edit a minute).
        await eventually(() => (blocksOf(fly).includes('seen 2×') ? true : undefined), 120_000, 'the fly root to show seen 2×');
        // Two healthy fly results: the recovered reply in the root's thread, and the root marked recovered.
        appendFileSync(auditLog, FLY_HEALTHY);
        await eventually(
          () => (slack.byKey(threadReplyKey(fly.key!, 'recovered')).length === 1 && blocksOf(fly).includes('Recovered') ? true : undefined),
          60_000,
          'the fly recovery',
        );
        firstState = await eventually(async () => {
          const s = await queryState();
          // The 8 sample rows, the started/completed investigation rows of the 3 investigations, 2 healthy results.
          return s.counters.rowsRead >= 16 && s.windows.length === 2 ? s : undefined;
        });
      } finally {
        firstStop = await first.stop('SIGINT'); // Ctrl-C
      }
      expect(firstStop.code).toBe(0);
      expect(firstStop.devServerPid).toBeDefined();
      expect(isAlive(firstStop.devServerPid!)).toBe(false); // no orphan: server stopped after the worker
      // SQLite header bytes 18-19 (file format write/read version) are 2 in write-ahead-log mode, 1 otherwise.
      expect([...readFileSync(env.TEMPORAL_DEV_DB_FILE!).subarray(18, 20)]).toEqual([2, 2]);

      expect(firstState.counters).toMatchObject({ rowsRead: 16, wakes: 4, investigationsStarted: 3, debounced: 1, badRows: 0 });
      // One root per window, never a second top-level message: the repeat and the recovery edited it or replied in its thread.
      expect(slack.roots.map((dm) => dm.text.split('\n')[0]).sort()).toEqual(['🚨 Probe alert · fly', '⚠️ Probe alert · postgres', 'ℹ️ Probe alert · disk'].sort());
      // Each root was first the alert (investigation running…), before the model answered.
      expect(alerts.map((a) => a.firstText.includes(INVESTIGATION_RUNNING))).toEqual([true, true, true]);
      const flyRoot = slack.roots.find((m) => m.text.startsWith('🚨 Probe alert · fly'))!;
      expect(slack.repliesTo(flyRoot.ts).map((m) => m.key)).toEqual([threadReplyKey(flyRoot.key!, 'details'), threadReplyKey(flyRoot.key!, 'recovered')]);
      expect(slack.repliesTo(flyRoot.ts)[1]!.text).toMatch(/^✅ fly recovered after \d+ (s|min)$/);
      // The other two windows stay open: no recovery for them.
      expect(slack.dms.filter((m) => m.key?.endsWith('recovered'))).toHaveLength(1);
      expect(anthropic.messageRequests).toHaveLength(3);
      // fly's window closed on recovery and was pruned; postgres and disk stay open.
      expect(firstState.windows.map((w) => w.windowKey).sort()).toEqual(['w-81c0', 'w-81c1']);
      recordThread(slack, flyRoot);
      expect(first.output()).not.toMatch(/xoxb-e2e-token|sk-ant-e2e-key/);
      recordLatency(appendedAt, slack);
      recordStop('sigint', firstStop);

      // Second run on the same SQLite file with another debounce setting: the running tail
      // is left in place, takes the new setting, and keeps its cursor, windows and counters.
      const second = await startService({ ...env, PROBE_DEBOUNCE_SECONDS: '0' }, dir);
      try {
        const resumed = await eventually(async () => {
          const s = await queryState();
          return s.settings.debounce.windowSeconds === 0 ? s : undefined;
        }, 30_000, 'new settings');
        expect(resumed.cursor).toEqual(firstState.cursor);
        expect(resumed.windows).toEqual(firstState.windows);
        expect(resumed.counters).toMatchObject({ rowsRead: 16, investigationsStarted: 3, debounced: 1 });
        expect(slack.roots).toHaveLength(3); // nothing replayed, nothing re-sent
        expect(slack.dms).toHaveLength(7); // 3 roots, 3 details replies, 1 recovered reply
      } finally {
        const secondStop = await second.stop();
        expect(secondStop.code).toBe(0);
        recordStop('sigterm', secondStop);
      }
    } finally {
      await slack.stop();
      await anthropic.stop();
    }
  }, 420_000);
});

/** The root's Block Kit layout as Slack holds it now. */
function blocksOf(message: PostedDm): string {
  return JSON.stringify(message.blocks ?? []);
}

/** The text chat.postMessage gave the message (revision 0, before any edit). */
function firstRevision(slack: FakeSlack, message: PostedDm): string {
  const post = slack.requestsTo('chat.postMessage').find((r) => JSON.stringify(r.body.metadata ?? '').includes(message.key!));
  return String(post?.body.text ?? '');
}

/**
 * Evidence, not an assertion: one finished root (its first post and every edit) and its thread replies
 * as the fake received them, in test-artifacts/incident-thread.json, and also at
 * PROBE_WAKE_RECORD_THREAD when set (bench/results/incident-thread.json is recorded so).
 */
function recordThread(slack: FakeSlack, root: PostedDm): void {
  const record = slack.recordOf(root.ts)!;
  const post = slack.requestsTo('chat.postMessage').find((r) => JSON.stringify(r.body.metadata ?? '').includes(root.key!));
  const json = JSON.stringify({ root: { ...record.message, firstPost: post ? { text: post.body.text, blocks: parseJson(post.body.blocks) } : undefined }, replies: record.replies }, null, 2);
  mkdirSync(ARTIFACTS, { recursive: true });
  writeFileSync(path.join(ARTIFACTS, 'incident-thread.json'), `${json}\n`);
  const extra = process.env.PROBE_WAKE_RECORD_THREAD;
  if (extra) writeFileSync(path.resolve(ROOT, extra), `${json}\n`);
}

function parseJson(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/** Evidence, not an assertion: how long appended wakes took to reach the fake Slack (timing targets live in benchmarks). */
function recordLatency(appendedAt: number, slack: FakeSlack): void {
  const posts = slack.requestsTo('chat.postMessage').map((r) => r.at - appendedAt);
  mkdirSync(ARTIFACTS, { recursive: true });
  writeFileSync(
    path.join(ARTIFACTS, 'e2e-wake-to-dm.json'),
    JSON.stringify({ pollSeconds: 1, appendedAt: new Date(appendedAt).toISOString(), wakeToDmMs: posts }, null, 2),
  );
}

/** Evidence, not an assertion: how long each stop took. */
function recordStop(name: string, stopped: Stopped): void {
  mkdirSync(ARTIFACTS, { recursive: true });
  const { stoppedAfterMs, exitedAfterStoppedMs } = stopped;
  writeFileSync(path.join(ARTIFACTS, `e2e-start-stop-${name}.json`), JSON.stringify({ stoppedAfterMs, exitedAfterStoppedMs }, null, 2));
}
