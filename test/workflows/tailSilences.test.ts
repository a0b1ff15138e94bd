import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createReadAuditLog } from '../../src/activities/readAuditLog';
import {
  addSilenceUpdate,
  getStateQuery,
  removeSilenceUpdate,
  silenceSignal,
  updateSettingsUpdate,
  type SilenceRequest,
  type TailSettings,
  type TailStateView,
} from '../../src/api';
import { mockDelivery } from '../support/deliveryMocks';
import { mockModel } from '../support/modelMocks';
import { eventually } from '../support/poll';
import { timeSkippingEnv, workflowBundle } from '../support/temporal';

/**
 * Silences on the tail, on the time-skipping server: the real file reader over
 * a temp audit log, mocked engine and Slack activities. The tail polls with a
 * timer (no wait for growth), so skipping time moves it: each `advance` jumps
 * the workflow clock and lets the tail read.
 */
let env: TestWorkflowEnvironment;
let dir: string;
let run = 0;

// A time-skipping server per test: on a shared one, a test's leftovers (its tail, terminated) have
// been seen to keep the clock from skipping for the next test, which then ran in real time.
beforeEach(async () => {
  env = await timeSkippingEnv();
  dir = mkdtempSync(path.join(tmpdir(), 'probe-wake-silences-'));
});
afterEach(async () => {
  await env?.teardown();
  rmSync(dir, { recursive: true, force: true });
});

const POLL_SECONDS = 30;
let idPrefix = '';
const wakeRow = (id: string, probe = 'fly', category = 'auth') =>
  JSON.stringify({ ts: '2026-12-02T10:15:02.113Z', event: 'probe.wake_requested', wake_id: `${idPrefix}${id}`, probe, issue_category: category, severity: 'critical', summary: `wake ${id}` }) + '\n';
const request = (overrides: Partial<SilenceRequest> = {}): SilenceRequest => ({ probe: 'fly', category: 'auth', forSeconds: 600, reason: 'Fly maintenance', createdBy: 'U024BE7LH', ...overrides });

interface Harness {
  handle: WorkflowHandle;
  investigated: string[];
  state(): Promise<TailStateView>;
  append(...rows: string[]): void;
  /** Jumps the workflow clock (the tail's poll timer fires on the way) and waits until a read after it is counted. */
  advance(seconds: number): Promise<TailStateView>;
  details(): Promise<string>;
}

async function withTail(body: (h: Harness) => Promise<void>, overrides: Partial<TailSettings> = {}): Promise<void> {
  const taskQueue = `silences-${++run}`;
  idPrefix = `s${run}-`;
  const log = path.join(dir, 'audit.jsonl');
  writeFileSync(log, '');
  const investigated: string[] = [];
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities: {
      readAuditLog: createReadAuditLog(),
      ...mockModel((wake) => investigated.push(wake.wakeId.slice(idPrefix.length))),
      ...mockDelivery(),
    },
  });
  const settings: TailSettings = {
    auditLogPath: log,
    pollSeconds: POLL_SECONDS,
    debounce: { windowSeconds: 600, bypassCritical: false },
    replayFromStart: false,
    searchAttributes: false,
    historyEventLimit: 5000,
    waitForGrowth: false,
    investigation: { maxTurns: 4, dailyBudgetUsd: null, reserveUsd: 0.01 },
    ...overrides,
  };
  const handle = await env.client.workflow.start('probeTailWorkflow', { taskQueue, workflowId: `probe-tail-${taskQueue}`, args: [{ settings }] });
  const state = () => handle.query(getStateQuery);
  const harness: Harness = {
    handle,
    investigated,
    state,
    append: (...rows) => appendFileSync(log, rows.join('')),
    advance: async (seconds) => {
      await env.sleep(seconds * 1000);
      await settled(handle);
      return state();
    },
    details: async () => {
      const metadata = (await handle.query('__temporal_workflow_metadata')) as { currentDetails?: string };
      return metadata.currentDetails ?? '';
    },
  };
  await worker.runUntil(async () => {
    try {
      await eventually(async () => ((await state()).cursor ? true : undefined), 30_000, 'first tick');
      await body(harness);
    } finally {
      await handle.terminate('test done');
    }
  });
}

/** Waits until the tail has no workflow task or activity out: the read the jump woke has finished. */
async function settled(handle: WorkflowHandle): Promise<void> {
  for (let i = 0; i < 400; i += 1) {
    const { raw } = await handle.describe();
    if (!raw.pendingWorkflowTask && (raw.pendingActivities ?? []).length === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the tail did not settle');
}

/** Skips time a poll at a time until `done` holds (a bounded number of polls). */
async function pollUntil(h: Harness, done: (s: TailStateView) => boolean, what: string): Promise<TailStateView> {
  for (let i = 0; i < 10; i++) {
    const s = await h.state();
    if (done(s)) return s;
    await h.advance(POLL_SECONDS);
  }
  throw new Error(`still waiting for ${what}: ${JSON.stringify((await h.state()).counters)}`);
}

const refusal = async (promise: Promise<unknown>): Promise<string> => {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
  return (err as WorkflowUpdateFailedError).cause?.message ?? '';
};

describe('silences on the tail', () => {
  it('a silenced wake is counted, not investigated; the silence ends on workflow time and the next wake is investigated', async () => {
    await withTail(async (h) => {
      const silence = await h.handle.executeUpdate(addSilenceUpdate, { args: [request()] });
      expect(silence).toMatchObject({ id: 's-1', probe: 'fly', category: 'auth', reason: 'Fly maintenance', createdBy: 'U024BE7LH' });
      expect(silence.untilMs - silence.createdAtMs).toBe(600_000);
      expect((await h.state()).silences).toEqual([silence]);
      expect(await h.details()).toContain(`\`s-1\` fly/auth until ${new Date(silence.untilMs).toISOString()} by U024BE7LH: Fly maintenance`);

      // Inside the silence: the fly/auth wakes are counted, no window opens; another pair is investigated as usual.
      h.append(wakeRow('w-1'), wakeRow('d-1', 'doppler'), wakeRow('w-2'));
      const during = await pollUntil(h, (s) => s.counters.wakes === 3 && h.investigated.length === 1, 'the first read');
      expect(during.counters).toMatchObject({ wakes: 3, silenced: 2, investigationsStarted: 1, debounced: 0 });
      expect(during.windows.map((w) => `${w.probe}:${w.category}`)).toEqual(['doppler:auth']);
      expect(h.investigated).toEqual(['d-1']);

      // Past untilMs (workflow time): the silence is gone and the next fly/auth wake opens a window.
      await h.advance(660);
      const after = await h.state();
      expect(after.silences).toEqual([]);
      expect(await h.details()).toBe('**Silences**: none');
      h.append(wakeRow('w-3'));
      const investigated = await pollUntil(h, (s) => s.counters.investigationsStarted === 2 && h.investigated.length === 2, 'the wake after the silence');
      expect(investigated.counters).toMatchObject({ wakes: 4, silenced: 2 });
      expect(h.investigated).toEqual(['d-1', 'w-3']);
    });
  });

  it('a silence on a pair with an open window: its wakes neither count on the window nor extend it', async () => {
    await withTail(async (h) => {
      h.append(wakeRow('w-1'));
      const opened = await pollUntil(h, (s) => s.windows.length === 1 && h.investigated.length === 1, 'the window to open');
      const window = opened.windows[0]!;
      await h.handle.executeUpdate(addSilenceUpdate, { args: [request()] });
      h.append(wakeRow('w-2'), wakeRow('w-3'), wakeRow('d-1', 'doppler'), wakeRow('w-4'));
      const after = await pollUntil(h, (s) => s.counters.wakes === 5, 'the silenced wakes');
      expect(after.counters).toMatchObject({ silenced: 3, debounced: 0, investigationsStarted: 2 });
      expect(after.windows.find((w) => w.probe === 'fly')).toEqual(window);
      expect(h.investigated).toEqual(['w-1', 'd-1']);
    });
  });

  it('refuses bad input to the caller, answers a repeat with the first silence, removes by id and refuses an unknown one', async () => {
    await withTail(async (h) => {
      expect(await refusal(h.handle.executeUpdate(addSilenceUpdate, { args: [request({ forSeconds: -60 })] }))).toContain('addSilence refused: the duration must be positive');
      expect(await refusal(h.handle.executeUpdate(addSilenceUpdate, { args: [request({ probe: 'fly app' })] }))).toContain('probe "fly app" must be 1-64 characters');
      expect(await refusal(h.handle.executeUpdate(addSilenceUpdate, { args: [request({ reason: '' })] }))).toContain('a reason is required');

      const first = await h.handle.executeUpdate(addSilenceUpdate, { args: [request({ probe: 'fly*', category: undefined, requestId: 'slack:1' })] });
      const repeat = await h.handle.executeUpdate(addSilenceUpdate, { args: [request({ probe: 'fly*', category: undefined, requestId: 'slack:1' })] });
      expect(repeat).toEqual(first);
      expect((await h.state()).silences.map((s) => s.id)).toEqual(['s-1']);

      expect(await refusal(h.handle.executeUpdate(removeSilenceUpdate, { args: [{ id: 's-9' }] }))).toContain('removeSilence refused: no active silence "s-9" (active: s-1)');
      const removed = await h.handle.executeUpdate(removeSilenceUpdate, { args: [{ id: 's-1' }] });
      expect(removed).toEqual(first);
      expect((await h.state()).silences).toEqual([]);
      expect(await refusal(h.handle.executeUpdate(removeSilenceUpdate, { args: [{ id: 's-1' }] }))).toContain('no active silence "s-1" (active: none)');

      // Ended early: wakes are investigated again.
      h.append(wakeRow('w-1', 'fly-eu'));
      await pollUntil(h, () => h.investigated.length === 1, 'the investigation');
      expect((await h.state()).counters.silenced).toBe(0);
      expect((await h.handle.describe()).status.name).toBe('RUNNING');
    });
  });

  it('the signal form (tctl) adds a silence; bad signal input is ignored; silences cross continue-as-new', async () => {
    await withTail(async (h) => {
      await h.handle.signal(silenceSignal, { probe: 'fly', forSeconds: 3600, reason: 'from tctl', createdBy: 'tctl-user' });
      await h.handle.signal(silenceSignal, { probe: 'fly', forSeconds: '2h', reason: 'typo', createdBy: 'tctl-user' });
      await h.handle.signal(silenceSignal, 'fly');
      const state = await h.state();
      expect(state.silences).toEqual([expect.objectContaining({ id: 's-1', probe: 'fly', reason: 'from tctl', createdBy: 'tctl-user' })]);
      expect(state.silences[0]).not.toHaveProperty('category');

      // Force continue-as-new: the silence (and its id counter) is carried over.
      await h.handle.executeUpdate(updateSettingsUpdate, { args: [{ ...state.settings, historyEventLimit: 10 }] });
      const continued = await pollUntil(h, (s) => s.counters.continuedAsNew > 0, 'continue-as-new');
      expect(continued.silences).toEqual(state.silences);
      await h.handle.executeUpdate(updateSettingsUpdate, { args: [state.settings] });
      h.append(wakeRow('w-1', 'fly', 'quota'));
      const silenced = await pollUntil(h, (s) => s.counters.silenced === 1, 'the silenced wake');
      expect(silenced.counters.investigationsStarted).toBe(0);
      expect((await h.handle.executeUpdate(addSilenceUpdate, { args: [request()] })).id).toBe('s-2');
      expect(h.investigated).toEqual([]);
    });
  });
});
