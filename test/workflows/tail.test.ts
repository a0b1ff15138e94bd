import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { mockDelivery } from '../support/deliveryMocks';
import { createReadAuditLog } from '../../src/activities/readAuditLog';
import { loadConfig } from '../../src/config/config';
import { ensureTailWorkflow, tailSettingsFrom } from '../../src/client/startTail';
import { getStateQuery, recordSpendSignal, resetDebounceSignal, type TailSettings, type TailStateView, updateSettingsUpdate } from '../../src/api';
import { mockModel } from '../support/modelMocks';
import { timeSkippingEnv, workflowBundle } from '../support/temporal';
import { eventually } from '../support/poll';

/**
 * The tail workflow on the time-skipping server: the real file reader over a
 * temp audit log, mocked engine and Slack activities.
 */
let env: TestWorkflowEnvironment;
let dir: string;
let run = 0;

beforeAll(async () => {
  env = await timeSkippingEnv();
});
afterAll(async () => {
  await env?.teardown();
});
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'probe-wake-tail-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Investigation IDs are unique per namespace, so each test's wake IDs carry its own prefix. */
let idPrefix = '';
const wakeRow = (id: string, probe = 'fly', category = 'auth', severity = 'critical') =>
  JSON.stringify({ ts: '2026-11-23T10:15:02.113Z', event: 'probe.wake_requested', wake_id: `${idPrefix}${id}`, probe, issue_category: category, severity, summary: `wake ${id}` }) + '\n';

interface Harness {
  log: string;
  handle: WorkflowHandle;
  investigated: string[];
  /** DM texts, in the order the investigations posted them. */
  posted: string[];
  /** The newest text Slack holds per message key (a root's alert is edited into its diagnosis). */
  latest: Map<string, string>;
  state(): Promise<TailStateView>;
  append(...rows: string[]): void;
  /** Moves the test server's clock ahead: a jump when nothing runs, else real time (a waiting read holds the clock). */
  advance(seconds: number): Promise<void>;
}

async function withTail(overrides: Partial<TailSettings>, body: (h: Harness) => Promise<void>, existing: () => string = () => ''): Promise<void> {
  const taskQueue = `tail-${++run}`;
  idPrefix = `t${run}-`;
  const log = path.join(dir, 'audit.jsonl');
  writeFileSync(log, existing());
  const investigated: string[] = [];
  const posted: string[] = [];
  const latest = new Map<string, string>();
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities: {
      readAuditLog: createReadAuditLog(),
      ...mockModel((wake) => investigated.push(wake.wakeId.slice(idPrefix.length))),
      ...mockDelivery(({ key, text }) => {
        posted.push(text);
        latest.set(key, text);
      }),
    },
  });
  const settings: TailSettings = {
    auditLogPath: log,
    // Ticks run in real time (1 s), and so does advance() while a read waits for growth.
    pollSeconds: 1,
    debounce: { windowSeconds: 600, bypassCritical: false },
    replayFromStart: false,
    searchAttributes: false,
    historyEventLimit: 5000,
    waitForGrowth: true,
    investigation: { maxTurns: 4, dailyBudgetUsd: null, reserveUsd: 0.01 },
    ...overrides,
  };
  const handle = await env.client.workflow.start('probeTailWorkflow', { taskQueue, workflowId: `probe-tail-${taskQueue}`, args: [{ settings }] });
  const harness: Harness = {
    log,
    handle,
    investigated,
    posted,
    latest,
    state: () => handle.query(getStateQuery),
    append: (...rows) => appendFileSync(log, rows.join('')),
    advance: (seconds) => env.sleep(seconds * 1000),
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

/** Waits (in real time, as a liveness bound) until the tail has started `count` investigations and they ran. */
async function untilInvestigations(h: Harness, count: number): Promise<TailStateView> {
  return eventually(async () => {
    const state = await h.state();
    return state.counters.investigationsStarted >= count && h.investigated.length >= count ? state : undefined;
  }, 30_000, `${count} investigations`);
}

describe('probeTailWorkflow', () => {
  it('does not replay history on first start, then picks up appended wakes', async () => {
    await withTail({}, async (h) => {
      const first = await h.state();
      expect(first.counters).toMatchObject({ rowsRead: 0, wakes: 0, investigationsStarted: 0 });
      h.append(wakeRow('w-new'));
      await untilInvestigations(h, 1);
      expect(h.investigated).toEqual(['w-new']);
    }, () => wakeRow('w-old-1') + wakeRow('w-old-2', 'doppler'));
  });

  it('replays from the start when PROBE_WAKE_REPLAY_FROM_START is set', async () => {
    await withTail({ replayFromStart: true }, async (h) => {
      await untilInvestigations(h, 2);
      expect(h.investigated.sort()).toEqual(['w-old-1', 'w-old-2']);
    }, () => wakeRow('w-old-1') + wakeRow('w-old-2', 'doppler'));
  });

  it('decides in file order: the first wake of a pair opens the window, the rest are debounced', async () => {
    await withTail({}, async (h) => {
      h.append(wakeRow('w-1'), wakeRow('w-2'), wakeRow('w-3', 'postgres', 'replication_lag', 'warning'), wakeRow('w-4'));
      const state = await untilInvestigations(h, 2);
      expect(h.investigated.sort()).toEqual(['w-1', 'w-3']);
      expect(state.counters).toMatchObject({ wakes: 4, investigationsStarted: 2, debounced: 2 });
      const fly = state.windows.find((w) => w.probe === 'fly');
      expect(fly).toMatchObject({ windowKey: `${idPrefix}w-1`, debounced: 2, investigationWorkflowId: `probe-investigation:fly:auth:${idPrefix}w-1` });
    });
  });

  it('opens a new window once the old one has expired', async () => {
    // A short window: the test server does not skip time while the tail's read waits for growth, so advance() runs in real time.
    await withTail({ debounce: { windowSeconds: 3, bypassCritical: false } }, async (h) => {
      h.append(wakeRow('w-1'));
      await untilInvestigations(h, 1);
      h.append(wakeRow('w-2'));
      await eventually(async () => ((await h.state()).counters.debounced === 1 ? true : undefined));
      await h.advance(4);
      h.append(wakeRow('w-3'));
      await untilInvestigations(h, 2);
      expect(h.investigated).toEqual(['w-1', 'w-3']);
    });
  });

  it('reopens a window on resetDebounce for that pair only', async () => {
    await withTail({}, async (h) => {
      h.append(wakeRow('w-1'), wakeRow('d-1', 'doppler'));
      await untilInvestigations(h, 2);
      await h.handle.signal(resetDebounceSignal, { probe: 'fly', category: 'auth' });
      const state = await h.state();
      expect(state.windows.map((w) => `${w.probe}:${w.category}`)).toEqual(['doppler:auth']);
      h.append(wakeRow('w-2'), wakeRow('d-2', 'doppler'));
      await untilInvestigations(h, 3);
      expect(h.investigated.sort()).toEqual(['d-1', 'w-1', 'w-2']);
      expect((await h.state()).counters.debounced).toBe(1);
    });
  });

  it('clears every window on resetDebounce with {} and ignores a malformed scope', async () => {
    await withTail({}, async (h) => {
      h.append(wakeRow('w-1'), wakeRow('d-1', 'doppler'));
      await untilInvestigations(h, 2);
      // A typo'd scope is refused, not widened to "everything".
      await h.handle.signal(resetDebounceSignal, { Probe: 'fly' });
      expect((await h.state()).windows).toHaveLength(2);
      await h.handle.signal(resetDebounceSignal, {});
      expect((await h.state()).windows).toEqual([]);
    });
  });

  it('counts a start rejected as a duplicate as debounced, not an error', async () => {
    await withTail({ debounce: { windowSeconds: 0, bypassCritical: false } }, async (h) => {
      h.append(wakeRow('same-id'), wakeRow('same-id'));
      const state = await eventually(async () => {
        const s = await h.state();
        return s.counters.investigationsStarted + s.counters.debounced === 2 ? s : undefined;
      });
      expect(state.counters).toMatchObject({ investigationsStarted: 1, debounced: 1 });
    });
  });

  it('lets critical wakes bypass the window when configured', async () => {
    await withTail({ debounce: { windowSeconds: 600, bypassCritical: true } }, async (h) => {
      h.append(wakeRow('w-1'), wakeRow('w-2'), wakeRow('w-3', 'fly', 'auth', 'warning'));
      const state = await untilInvestigations(h, 2);
      expect(h.investigated.sort()).toEqual(['w-1', 'w-2']);
      expect(state.counters.debounced).toBe(1);
    });
  });

  it('cost ladder: halts investigations past the daily budget, releases reservations as they settle', async () => {
    // Two reservations of 0.01 fit under 0.025; the third would not.
    const investigation = { maxTurns: 4, dailyBudgetUsd: 0.025, reserveUsd: 0.01 };
    await withTail({ debounce: { windowSeconds: 0, bypassCritical: false }, investigation }, async (h) => {
      h.append(wakeRow('w-1'), wakeRow('w-2'), wakeRow('w-3'));
      // Each root is posted as the alert first; the halted one is then edited into the fallback DM.
      const halted = await eventually(async () => {
        const found = [...h.latest.values()].filter((text) => text.includes('engine returned: cost_ladder_halted'));
        return found.length > 0 ? found : undefined;
      }, 30_000, 'the halted DM');
      expect(halted).toHaveLength(1);
      await eventually(async () => (h.investigated.length >= 2 ? true : undefined), 30_000, 'two investigations asked the model');
      expect(h.investigated.sort()).toEqual(['w-1', 'w-2']);
      // The mocked model costs nothing: once both settle, today's spend is 0 and nothing is held.
      const settled = await eventually(async () => {
        const s = await h.state();
        return s.spendToday.reservedUsd === 0 ? s : undefined;
      }, 30_000, 'reservations settled');
      expect(settled.spendToday).toMatchObject({ spentUsd: 0, reservedUsd: 0, halted: 1, budgetUsd: 0.025 });
      // With the reservations released, the next wake fits again.
      h.append(wakeRow('w-4'));
      await untilInvestigations(h, 3);
      expect(h.investigated.sort()).toEqual(['w-1', 'w-2', 'w-4']);
    });
  });

  it('cost ladder: a budget of 0 halts every investigation, which still DMs the facts', async () => {
    await withTail({ investigation: { maxTurns: 4, dailyBudgetUsd: 0, reserveUsd: 0.01 } }, async (h) => {
      h.append(wakeRow('w-1'));
      // The alert is posted, then edited into the fallback: one root message, ending with the reason.
      const roots = () => [...h.latest].filter(([key]) => !key.includes('#') && !key.startsWith('probe-storm:'));
      await eventually(async () => (roots().some(([, text]) => text.includes('engine returned')) ? true : undefined), 30_000, 'the diagnosis edit');
      expect(h.investigated).toEqual([]);
      expect(roots()).toHaveLength(1);
      expect(roots()[0]?.[1]).toContain('I was unable to investigate — engine returned: cost_ladder_halted');
      expect((await h.state()).spendToday.halted).toBe(1);
    });
  });

  it('counts bad rows and keeps going', async () => {
    await withTail({}, async (h) => {
      h.append('not json\n', '[1,2]\n', wakeRow('w-1'));
      const state = await untilInvestigations(h, 1);
      expect(state.counters).toMatchObject({ rowsRead: 3, badRows: 2, wakes: 1 });
    });
  });

  it('survives a failing read: counts it, skips the cycle, resumes when the file is back', async () => {
    await withTail({}, async (h) => {
      rmSync(h.log);
      const failed = await eventually(async () => {
        const s = await h.state();
        return s.counters.readErrors > 0 ? s : undefined;
      });
      expect(failed.lastReadError).toMatch(/ENOENT/);
      writeFileSync(h.log, wakeRow('w-after'));
      await untilInvestigations(h, 1);
      expect(h.investigated).toEqual(['w-after']);
      expect((await h.state()).counters.restarts).toBe(1);
      const { status } = await h.handle.describe();
      expect(status.name).toBe('RUNNING');
    });
  });

  it('continues as new with cursor, windows and counters intact', async () => {
    await withTail({ historyEventLimit: 40 }, async (h) => {
      const firstRunId = (await h.handle.describe()).runId;
      h.append(wakeRow('w-1'));
      await untilInvestigations(h, 1);
      const before = await h.state();
      const after = await eventually(async () => {
        const s = await h.state();
        return s.counters.continuedAsNew > 0 ? s : undefined;
      });
      const currentRunId = (await env.client.workflow.getHandle(h.handle.workflowId).describe()).runId;
      expect(currentRunId).not.toBe(firstRunId);
      expect(after.cursor).toEqual(before.cursor);
      expect(after.windows).toEqual(before.windows);
      expect(after.counters).toMatchObject({ wakes: 1, investigationsStarted: 1 });
      // The window crossed continue-as-new: a wake for the same pair is still debounced.
      h.append(wakeRow('w-2'));
      await eventually(async () => ((await h.state()).counters.debounced === 1 ? true : undefined));
      expect(h.investigated).toEqual(['w-1']);
    });
  });

  it('picks a wake up while waiting out a long poll, without a timer per poll', async () => {
    await withTail({ pollSeconds: 3600 }, async (h) => {
      // A tail that slept out its poll would read these an hour from now; the waiting read takes them at once.
      h.append(wakeRow('w-1'));
      await untilInvestigations(h, 1);
      h.append(wakeRow('w-2', 'doppler'));
      await untilInvestigations(h, 2);
      expect(h.investigated).toEqual(['w-1', 'w-2']);
      const { EventType } = temporal.api.enums.v1;
      const types = ((await h.handle.fetchHistory()).events ?? []).map((e) => e.eventType);
      expect(types).toContain(EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED);
      expect(types).not.toContain(EventType.EVENT_TYPE_TIMER_STARTED);
      // No patch markers: workflow changes roll out by Worker Versioning (docs/operations.md).
      expect(types).not.toContain(EventType.EVENT_TYPE_MARKER_RECORDED);
    });
  });

  it('takes new settings by update without losing its cursor or windows, and refuses bad ones to the caller', async () => {
    await withTail({}, async (h) => {
      h.append(wakeRow('w-1'));
      await untilInvestigations(h, 1);
      const before = await h.state();
      const settings = { ...before.settings, debounce: { windowSeconds: 0, bypassCritical: false } };
      await expect(h.handle.executeUpdate(updateSettingsUpdate, { args: [settings] })).resolves.toEqual(settings);
      const bad = { ...settings, pollSeconds: 'fast' } as unknown as TailSettings;
      await expect(h.handle.executeUpdate(updateSettingsUpdate, { args: [bad] })).rejects.toMatchObject({ cause: { message: 'updateSettings refused: pollSeconds must be a number >= 0.1' } });
      const after = await h.state();
      expect(after.settings.debounce.windowSeconds).toBe(0);
      expect(after.settings.pollSeconds).toBe(1); // the malformed update was refused
      expect(after.cursor).toEqual(before.cursor);
      expect(after.windows).toEqual(before.windows);
      h.append(wakeRow('w-2'));
      await untilInvestigations(h, 2);
    });
  });

  it('settles a typed spend report (reservation and real cost) into the ledger', async () => {
    await withTail({ investigation: { maxTurns: 4, dailyBudgetUsd: 1, reserveUsd: 0.01 } }, async (h) => {
      const { day } = (await h.state()).spendToday;
      // As an investigation reports it: the tail's reservation and what was really spent.
      await h.handle.signal(recordSpendSignal, { reservation: { granted: true, day, reservedUsd: 0 }, spentUsd: 0.25 });
      const state = await eventually(async () => {
        const s = await h.state();
        return s.spendToday.spentUsd > 0 ? s : undefined;
      }, 30_000, 'the report settled');
      expect(state.spendToday).toMatchObject({ day, spentUsd: 0.25, reservedUsd: 0, budgetUsd: 1 });
    });
  });

  it('reads again when debounce is turned off while a read that folds repeats is waiting', async () => {
    // An hour's poll: the read in flight was asked for under the 600 s window and folds repeats under it.
    await withTail({ pollSeconds: 3600 }, async (h) => {
      const before = await h.state();
      await h.handle.executeUpdate(updateSettingsUpdate, { args: [{ ...before.settings, debounce: { windowSeconds: 0, bypassCritical: false } }] });
      await eventually(async () => ((await h.state()).settings.debounce.windowSeconds === 0 ? true : undefined), 30_000, 'the new settings');
      h.append(wakeRow('w-1'), wakeRow('w-2'), wakeRow('w-3'));
      const state = await untilInvestigations(h, 3);
      expect(h.investigated.sort()).toEqual(['w-1', 'w-2', 'w-3']);
      expect(state.counters).toMatchObject({ wakes: 3, investigationsStarted: 3, debounced: 0 });
    });
  });

  it('ensureTailWorkflow fails with the validator\'s reason when a setting is bad, starting or updating the tail', async () => {
    const taskQueue = `tail-${++run}`;
    const log = path.join(dir, 'audit.jsonl');
    writeFileSync(log, '');
    const config = loadConfig({ AUDIT_LOG_PATH: log, TEMPORAL_TASK_QUEUE: taskQueue, PROBE_TAIL_WORKFLOW_ID: `probe-tail-${taskQueue}` }, dir);
    const good = tailSettingsFrom(config, { searchAttributes: false, pollSeconds: 1 });
    const bad = { ...good, debounce: { windowSeconds: -5, bypassCritical: false } };
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: await workflowBundle(), activities: { readAuditLog: createReadAuditLog() } });
    const handle = env.client.workflow.getHandle(config.temporal.tailWorkflowId);
    await worker.runUntil(async () => {
      try {
        // A fresh start with bad settings: refused to the caller; the tail it started waits for good ones.
        await expect(ensureTailWorkflow(env.client, config, bad)).rejects.toThrow(
          `tail workflow probe-tail-${taskQueue} refused its settings: updateSettings refused: debounce.windowSeconds must be a number >= 0`,
        );
        expect((await handle.query(getStateQuery)).cursor).toBeNull();
        const started = await ensureTailWorkflow(env.client, config, good);
        await eventually(async () => ((await handle.query(getStateQuery)).cursor ? true : undefined), 30_000, 'first tick');
        // A running tail: the bad settings are refused and the good ones stay.
        await expect(ensureTailWorkflow(env.client, config, bad)).rejects.toThrow(/refused its settings: .*windowSeconds/);
        const state = await handle.query(getStateQuery);
        expect(state.settings).toEqual(good);
        expect((await ensureTailWorkflow(env.client, config, good)).runId).toBe(started.runId);
      } finally {
        await handle.terminate('test done');
      }
    });
  });
});

