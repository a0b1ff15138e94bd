import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createReadAuditLog } from '../../src/activities/readAuditLog';
import { enqueueMessage } from '../../src/activities/enqueueMessage';
import { getStateQuery, investigationWorkflowId, outboxWorkflowId, resetDebounceSignal, type OutboxRequest, type TailSettings, type TailStateView } from '../../src/api';
import { DEFAULT_WINDOW_RULES, type WindowRules } from '../../src/domain/windowBatch';
import { outboxRequestsQuery, windowLogQuery, type WindowLog } from '../support/windowWorkflows';
import { timeSkippingEnv } from '../support/temporal';
import { eventually } from '../support/poll';

/**
 * The tail's window rules on the time-skipping server: the real tail and file
 * reader; a stub investigation and a stub outbox (test/support/windowWorkflows.ts)
 * record what the tail tells them: repeats, early closes, storm digests.
 */
let env: TestWorkflowEnvironment;
let dir: string;
let run = 0;
let bundle: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  env = await timeSkippingEnv();
  bundle = await bundleWorkflowCode({ workflowsPath: require.resolve('../support/windowWorkflows'), logger: new DefaultLogger('WARN') });
});
afterAll(async () => {
  await env?.teardown();
});
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'probe-wake-windows-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

let idPrefix = '';
const wakeRow = (id: string, probe = 'fly', category = 'auth', severity = 'warning', summary = `wake ${id}`) =>
  JSON.stringify({ ts: '2026-11-23T10:15:02.113Z', event: 'probe.wake_requested', wake_id: `${idPrefix}${id}`, probe, issue_category: category, severity, summary }) + '\n';
const resultRow = (probe: string, status: string) => JSON.stringify({ ts: '2026-11-23T10:16:00.000Z', event: 'probe.result', probe, status }) + '\n';
const recoveredRow = (probe: string, category?: string) =>
  JSON.stringify({ ts: '2026-11-23T10:16:00.000Z', event: 'probe.recovered', probe, ...(category ? { issue_category: category } : {}) }) + '\n';

interface Harness {
  handle: WorkflowHandle;
  taskQueue: string;
  state(): Promise<TailStateView>;
  append(...rows: string[]): void;
  /** The stub investigation of the window opened by wake `id` of the pair. */
  windowLog(id: string, probe?: string, category?: string): Promise<WindowLog>;
  outboxRequests(): Promise<OutboxRequest[]>;
}

async function withTail(rules: Partial<WindowRules>, body: (h: Harness) => Promise<void>): Promise<void> {
  const taskQueue = `windows-${++run}`;
  idPrefix = `tw${run}-`;
  const log = path.join(dir, 'audit.jsonl');
  writeFileSync(log, '');
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: bundle,
    activities: { readAuditLog: createReadAuditLog(), enqueueMessage },
  });
  const settings: TailSettings = {
    auditLogPath: log,
    pollSeconds: 1,
    debounce: { windowSeconds: 600, bypassCritical: false },
    replayFromStart: false,
    searchAttributes: false,
    historyEventLimit: 5000,
    waitForGrowth: true,
    investigation: { maxTurns: 4, dailyBudgetUsd: null, reserveUsd: 0.01 },
    windowRules: { ...DEFAULT_WINDOW_RULES, ...rules },
  };
  const handle = await env.client.workflow.start('probeTailWorkflow', { taskQueue, workflowId: `probe-tail-${taskQueue}`, args: [{ settings }] });
  const harness: Harness = {
    handle,
    taskQueue,
    state: () => handle.query(getStateQuery),
    append: (...rows) => appendFileSync(log, rows.join('')),
    windowLog: (id, probe = 'fly', category = 'auth') => env.client.workflow.getHandle(investigationWorkflowId(probe, category, `${idPrefix}${id}`)).query(windowLogQuery),
    outboxRequests: () => env.client.workflow.getHandle(outboxWorkflowId(taskQueue)).query(outboxRequestsQuery),
  };
  await worker.runUntil(async () => {
    try {
      await eventually(async () => ((await harness.state()).cursor ? true : undefined), 30_000, 'first tick');
      await body(harness);
    } finally {
      await handle.terminate('test done');
    }
  });
}

const until = <T>(what: string, check: () => Promise<T | undefined>) => eventually(check, 30_000, what);

describe('probeTailWorkflow: the window lifecycle', () => {
  it('tells the window\'s investigation about debounced wakes (wakes so far, the opening one included), never starting another', async () => {
    await withTail({}, async (h) => {
      h.append(wakeRow('w-1'));
      const opened = await until('the investigation', () => h.windowLog('w-1').catch(() => undefined));
      expect(opened.input.window).toMatchObject({ closesAtMs: opened.input.window!.openedAtMs + 600_000 });
      h.append(wakeRow('w-2'), wakeRow('w-3'));
      const log = await until('3 wakes', async () => {
        const l = await h.windowLog('w-1');
        return l.repeats.at(-1)?.wakes === 3 ? l : undefined;
      });
      // Both wakes came in one read: one signal for them, not one per wake.
      expect(log.repeats.length).toBeLessThanOrEqual(2);
      h.append(wakeRow('w-4'));
      await until('4 wakes', async () => ((await h.windowLog('w-1')).repeats.at(-1)?.wakes === 4 ? true : undefined));
      const state = await h.state();
      expect(state.counters).toMatchObject({ investigationsStarted: 1, debounced: 3 });
      expect(state.windows[0]).toMatchObject({ wakes: 4, healthyStreak: 0 });
    });
  });

  it('closes the window after 2 consecutive healthy results (one is not enough, an unhealthy one breaks the streak); the next wake opens a new window', async () => {
    await withTail({}, async (h) => {
      h.append(wakeRow('w-1'));
      await until('the investigation', () => h.windowLog('w-1').catch(() => undefined));
      h.append(resultRow('fly', 'healthy'), resultRow('fly', 'unhealthy'), resultRow('fly', 'healthy'), resultRow('doppler', 'healthy'));
      const one = await until('a streak of 1', async () => {
        const s = await h.state();
        return s.counters.rowsRead >= 5 ? s : undefined;
      });
      expect(one.windows).toEqual([expect.objectContaining({ probe: 'fly', healthyStreak: 1 })]);
      expect((await h.windowLog('w-1')).closed).toBeUndefined();
      h.append(resultRow('fly', 'healthy'));
      const closed = await until('the close', async () => (await h.windowLog('w-1')).closed);
      expect(closed).toMatchObject({ reason: 'recovered', by: 'results' });
      const state = await h.state();
      expect(state.windows).toEqual([]);
      expect(state.counters.recovered).toBe(1);
      h.append(wakeRow('w-2'));
      const next = await until('a new window', () => h.windowLog('w-2').catch(() => undefined));
      expect(next.closed).toBeUndefined();
      expect((await h.state()).counters.investigationsStarted).toBe(2);
    });
  });

  it('closes at once on probe.recovered (that pair only), and on resetDebounce with reason reset', async () => {
    await withTail({}, async (h) => {
      h.append(wakeRow('w-1'), wakeRow('d-1', 'fly', 'dns'), wakeRow('p-1', 'pg'));
      await until('3 investigations', async () => ((await h.state()).counters.investigationsStarted === 3 ? true : undefined));
      h.append(recoveredRow('fly', 'dns'));
      expect(await until('the close', async () => (await h.windowLog('d-1', 'fly', 'dns').catch(() => undefined))?.closed)).toMatchObject({ reason: 'recovered', by: 'event' });
      expect((await h.windowLog('w-1')).closed).toBeUndefined();
      await h.handle.signal(resetDebounceSignal, { probe: 'pg' });
      expect(await until('the reset', async () => (await h.windowLog('p-1', 'pg')).closed)).toMatchObject({ reason: 'reset' });
      const state = await h.state();
      expect(state.windows.map((w) => w.probe + ':' + w.category)).toEqual(['fly:auth']);
      expect(state.counters).toMatchObject({ recovered: 1, windowsReset: 1 });
    });
  });

  it('flapping doubles the window: the third window within the period is twice as long and says so', async () => {
    await withTail({}, async (h) => {
      // Recovery closes each window at once, so the pair opens three windows in seconds.
      h.append(wakeRow('w-1'), recoveredRow('fly'), wakeRow('w-2'), recoveredRow('fly'), wakeRow('w-3'));
      const third = await until('the third window', () => h.windowLog('w-3').catch(() => undefined));
      const first = await h.windowLog('w-1');
      const length = (l: WindowLog) => (l.input.window!.closesAtMs - l.input.window!.openedAtMs) / 1000;
      expect(length(first)).toBe(600);
      expect(length(await h.windowLog('w-2'))).toBe(600);
      expect(length(third)).toBe(1200);
      expect(third.input.window!.flapping).toEqual({ windows: 3, periodSeconds: 0 });
      const state = await h.state();
      expect(state.windows[0]).toMatchObject({ windowKey: `${idPrefix}w-3`, flapping: { windows: 3 } });
      expect(state.flapping).toEqual([{ probe: 'fly', category: 'auth', windows: 3, periodSeconds: expect.any(Number) }]);
      expect(state.counters.flappingWindows).toBe(1);
      h.append(recoveredRow('fly'), wakeRow('w-4'));
      const fourth = await until('the fourth window', () => h.windowLog('w-4').catch(() => undefined));
      expect(length(fourth)).toBe(2400);
    });
  });

  it('storm: more than 5 windows at once send ONE urgent digest listing every pair, re-sent at a higher revision as pairs join', async () => {
    await withTail({}, async (h) => {
      const severities = ['info', 'warning', 'critical'];
      h.append(...Array.from({ length: 7 }, (_, i) => wakeRow(`s-${i}`, `probe${i}`, 'auth', severities[i % 3], `<!channel> down ${i}`)));
      const first = await until('the digest', async () => (await h.outboxRequests().catch(() => [])).at(0));
      const key = `probe-storm:${h.handle.workflowId}:${idPrefix}s-0`;
      // The first revision posts the digest; the read's later pairs are in it already (one send for the read).
      expect(first).toMatchObject({ key, revision: 0, urgent: true });
      expect(first.reportTo).toBeUndefined();
      for (let i = 0; i < 7; i++) expect(first.message.text).toContain(`\`probe${i}\``);
      expect(first.message.text).not.toContain('<!channel>');
      // Severity first: the critical pairs (2, 5) before the warning ones (1, 4) before the info ones (0, 3, 6).
      const order = [...first.message.text.matchAll(/`(probe\d)`/g)].map((m) => m[1]);
      expect(order).toEqual(['probe2', 'probe5', 'probe1', 'probe4', 'probe0', 'probe3', 'probe6']);
      // Every investigation still started, each told which digest lists it.
      const log = await until('the 7th investigation', () => h.windowLog('s-6', 'probe6').catch(() => undefined));
      expect(log.input.window!.storm).toEqual({ digestKey: key });
      h.append(wakeRow('s-7', 'probe7'), wakeRow('s-8', 'probe8'));
      const latest = await until('the next revision', async () => {
        const requests = await h.outboxRequests();
        const last = requests.at(-1)!;
        return last.revision > 0 && last.message.text.includes('`probe8`') ? requests : undefined;
      });
      expect(latest.every((r) => r.key === key)).toBe(true);
      // Revisions go up one by one, so the outbox posts the first and edits with each later one.
      expect(latest.map((r) => r.revision)).toEqual(latest.map((_, i) => i));
      expect(latest.at(-1)!.message.text).toContain('9 pairs woke');
      const state = await h.state();
      expect(state.counters.storms).toBe(1);
      expect(state.storm).toMatchObject({ digestKey: key, pairs: 9 });
    });
  });
});
