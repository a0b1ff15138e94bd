import { TimeoutFailure, WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import {
  ActivityFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  log,
  ParentClosePolicy,
  proxyActivities,
  setHandler,
  sleep,
  startChild,
  workflowInfo,
  WorkflowIdReusePolicy,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import {
  getStateQuery,
  investigationWorkflowId,
  IssueCategoryKey,
  ProbeNameKey,
  ProbeSeverityKey,
  recordSpendSignal,
  resetDebounceSignal,
  settingsProblem,
  updateSettingsUpdate,
  type InvestigationMemo,
  type TailInput,
  type TailSettings,
  type TailStateView,
} from '../api';
import type { Wake } from '../domain/auditRow';
import * as costLadder from '../domain/costLadder';
import * as debounce from '../domain/debounce';
import { investigationCard } from '../domain/investigationCard';
import type { ReadBatch } from '../domain/tailTypes';
import { probeInvestigationWorkflow } from './investigation';
import { describeActivityFailure } from './failureReasons';
import * as metrics from './metrics';
import { initialState, type TailState } from './tailState';

/** Reads per tick before yielding to the timer: a big backlog drains over several ticks. */
const MAX_READS_PER_TICK = 20;

// A failed read is counted and retried on the next tick; no long retry chain here.
const READ_RETRY = { maximumAttempts: 2, initialInterval: '1s' } as const;

// One read without a wait is at most 512 KiB plus a newline scan: milliseconds. A short timeout bounds how
// long a read lost with its worker holds the tail up before it is retried elsewhere.
const { readAuditLog } = proxyActivities<Activities>({ startToCloseTimeout: '5s', retry: READ_RETRY });

/**
 * The read that opens a tick waits for the file to grow (up to the poll
 * interval) inside the activity: a wake is picked up at once, and an idle
 * poll costs one activity instead of a timer plus an activity. Heartbeats let
 * a dead worker's wait be retried elsewhere within the heartbeat timeout.
 */
function readActivity(waitMs: number) {
  if (waitMs <= 0) return readAuditLog;
  return proxyActivities<Activities>({ startToCloseTimeout: waitMs + 30_000, heartbeatTimeout: '10s', retry: READ_RETRY }).readAuditLog;
}

type Dispatch = debounce.Dispatch<Wake>;

/**
 * Tails the audit log forever: tail → parse → debounce → investigate.
 * Cursor, windows and counters live in workflow state and cross continue-as-new.
 */
export async function probeTailWorkflow(input: TailInput<TailState>): Promise<void> {
  let settings = input.settings;
  const state: TailState = input.state ?? initialState();

  setHandler(getStateQuery, () => view(state, settings));
  setHandler(resetDebounceSignal, (scope) => resetDebounce(state, scope));
  setHandler(recordSpendSignal, (report) => {
    state.spend = costLadder.settle(state.spend, report);
  });
  setHandler(
    updateSettingsUpdate,
    (next) => {
      log.info('tail settings updated', { settings: next });
      settings = next;
      return settings;
    },
    {
      validator: (next) => {
        const problem = settingsProblem(next);
        if (problem) throw new Error(`updateSettings refused: ${problem}`);
      },
    },
  );
  // Started with settings the update's validator refused (update-with-start): idle until good ones arrive.
  if (settingsProblem(settings)) await condition(() => settingsProblem(settings) === undefined);

  // Child starts the server has not acknowledged yet: settled before continue-as-new so they are counted.
  const pendingStarts = new Set<Promise<void>>();
  // The first read of a run does not wait: it stamps the cursor or catches up at once.
  let waitMs = 0;
  for (;;) {
    const readFailed = await tick(state, () => settings, waitMs, pendingStarts);
    if (historyIsLong(settings)) {
      await Promise.all(pendingStarts);
      await condition(allHandlersFinished);
      state.counters.continuedAsNew += 1;
      await continueAsNew<typeof probeTailWorkflow>({ settings, state });
    }
    const pollMs = settings.pollSeconds * 1000;
    // After a failed read, a plain sleep: a file that cannot be read must not turn the wait into a busy loop.
    if (!readFailed && settings.waitForGrowth) {
      waitMs = pollMs;
    } else {
      waitMs = 0;
      await sleep(pollMs);
    }
  }
}

/** Reads until caught up (at most MAX_READS_PER_TICK reads); true when a read failed. */
async function tick(state: TailState, currentSettings: () => TailSettings, waitMs: number, pendingStarts: Set<Promise<void>>): Promise<boolean> {
  for (let read = 0; read < MAX_READS_PER_TICK; read++) {
    const batch = await readNewRows(state, currentSettings, read === 0 ? waitMs : 0);
    if (batch === 'failed') return true;
    if (batch === 'read again') continue;
    // New settings may have arrived by signal while the read waited: decide with those.
    const settings = currentSettings();
    const dispatches = debounceWakes(state, settings, batch);
    await startInvestigations(state, settings, dispatches, pendingStarts);
    if (batch.caughtUp || historyIsLong(settings)) return false;
  }
  return false;
}

/**
 * tail + parse: one activity call; a failing read is counted and the cycle
 * skipped. The read folds the wakes debounce is certain to swallow under the
 * settings of the moment; if a signal changed the debounce settings while it
 * ran, its rows are read again rather than decided under the old ones.
 */
async function readNewRows(state: TailState, currentSettings: () => TailSettings, waitMs: number): Promise<ReadBatch | 'failed' | 'read again'> {
  const settings = currentSettings();
  let batch: ReadBatch;
  try {
    const wait = state.cursor ? waitMs : 0;
    const request = { path: settings.auditLogPath, cursor: state.cursor, replayFromStart: settings.replayFromStart, foldRepeatsUnder: settings.debounce };
    batch = await readActivity(wait)(wait > 0 ? { ...request, waitMs: wait } : request);
  } catch (err) {
    if (!(err instanceof ActivityFailure)) throw err;
    if (err.cause instanceof TimeoutFailure) {
      // The read's worker (or the server) went away mid-read, e.g. `Heartbeat timeout` after a server
      // restart: no fault of the audit log, so not a read error; the next cycle reads the same rows.
      state.counters.readsInterrupted += 1;
      metrics.readInterrupted();
      state.lastReadInterruption = `${(err.cause.timeoutType ?? 'activity').toLowerCase().replace(/_/g, '-')} timeout of readAuditLog`;
      log.warn('audit log read interrupted (its worker or the server went away); reading again next cycle', { error: state.lastReadInterruption });
      return 'failed';
    }
    state.counters.readErrors += 1;
    metrics.readError();
    state.lastReadError = describeActivityFailure(err);
    log.warn('audit log read failed; skipping this cycle', { error: state.lastReadError });
    return 'failed';
  }
  if (batch.repeats.length > 0 && !debounce.samePolicy(settings.debounce, currentSettings().debounce)) {
    log.info('debounce settings changed during the read; reading those rows again');
    return 'read again';
  }
  state.cursor = batch.cursor;
  state.lastReadError = undefined;
  state.lastReadInterruption = undefined;
  state.counters.rowsRead += batch.rowsRead;
  state.counters.badRows += batch.badRows.length;
  state.counters.wakes += batch.wakes.length + repeatCount(batch);
  if (batch.drainedRotated) state.counters.rowsFromRotatedFile += batch.rowsRead;
  if (batch.restartedBecause) {
    state.counters.restarts += 1;
    const byReason = state.counters.restartsByReason;
    byReason[batch.restartedBecause] = (byReason[batch.restartedBecause] ?? 0) + 1;
  }
  metrics.batchRead(batch);
  return batch;
}

function repeatCount(batch: ReadBatch): number {
  return batch.repeats.reduce((sum, repeat) => sum + repeat.count, 0);
}

/** debounce: the whole read decided on the workflow's deterministic clock (Date.now() is replay-safe here). */
function debounceWakes(state: TailState, settings: TailSettings, batch: ReadBatch): Dispatch[] {
  const { windows, dispatches, debounced } = debounce.applyBatch(state.windows, batch, Date.now(), settings.debounce);
  state.windows = windows;
  for (const pair of debounced) countDebounced(pair, pair.wakes, state);
  return dispatches;
}

function countDebounced(pair: { probe: string; category: string }, wakes: number, state: TailState): void {
  state.counters.debounced += wakes;
  metrics.debounced(pair, wakes);
}

/**
 * investigate: one child per window, started together. Children are abandoned
 * so they outlive continue-as-new; a deterministic ID plus REJECT_DUPLICATE
 * means a replayed or repeated start never makes a second one.
 *
 * The tail reads on without waiting for the server to acknowledge each start:
 * under a storm those acknowledgements reach the tail one by one, and waiting
 * for them held the next read back for tens of seconds.
 */
async function startInvestigations(state: TailState, settings: TailSettings, dispatches: Dispatch[], pendingStarts: Set<Promise<void>>): Promise<void> {
  if (dispatches.length === 0) return;
  const starts = dispatches.map(async ({ wake, windowKey }) => {
    const workflowId = investigationWorkflowId(wake.probe, wake.category, windowKey);
    const spend = reserveSpend(state, settings);
    const card = investigationCard(wake);
    try {
      await startChild(probeInvestigationWorkflow, {
        workflowId,
        args: [{ wake, windowKey, maxTurns: settings.investigation.maxTurns, turnTimeoutSeconds: settings.investigation.turnTimeoutSeconds, spend }],
        parentClosePolicy: ParentClosePolicy.ABANDON,
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
        staticSummary: card.summary,
        staticDetails: card.details,
        memo: { wake } satisfies InvestigationMemo,
        typedSearchAttributes: settings.searchAttributes
          ? [
              { key: ProbeNameKey, value: wake.probe },
              { key: IssueCategoryKey, value: wake.category },
              { key: ProbeSeverityKey, value: wake.severity },
            ]
          : undefined,
      });
      state.counters.investigationsStarted += 1;
      metrics.investigationStarted(wake);
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      if (spend.granted) state.spend = costLadder.settle(state.spend, { reservation: spend, spentUsd: 0 });
      countDebounced(wake, 1, state);
      log.info('investigation already exists for this window; counted as debounced', { workflowId });
    }
  });
  for (const start of starts) {
    pendingStarts.add(start);
    // A start failing with anything but "already started" is a bug and must fail the workflow task, as before.
    void start.then(() => pendingStarts.delete(start));
  }
}

/** cost ladder: reserve today's budget for one investigation, or halt it (it then DMs `cost_ladder_halted`). */
function reserveSpend(state: TailState, settings: TailSettings): costLadder.Reservation {
  const day = costLadder.utcDay(Date.now());
  const { dailyBudgetUsd, reserveUsd } = settings.investigation;
  const { ledger, reservation } = costLadder.reserve(costLadder.pruneDays(state.spend, day), day, {
    dailyBudgetUsd: dailyBudgetUsd ?? undefined,
    reserveUsd,
  });
  state.spend = ledger;
  if (!reservation.granted) log.warn('daily investigation budget reached; halting this investigation', { day, dailyBudgetUsd });
  return reservation;
}

function resetDebounce(state: TailState, input: unknown): void {
  const parsed = debounce.parseResetScope(input);
  if ('error' in parsed) {
    log.warn('resetDebounce ignored', { problem: parsed.error });
    return;
  }
  const { table, cleared } = debounce.resetWindows(state.windows, parsed.scope);
  state.windows = table;
  log.info('debounce reset', { scope: parsed.scope, cleared });
}

function historyIsLong(settings: TailSettings): boolean {
  const info = workflowInfo();
  return info.continueAsNewSuggested || info.historyLength >= settings.historyEventLimit;
}

function view(state: TailState, settings: TailSettings): TailStateView {
  return {
    cursor: state.cursor,
    windows: Object.values(state.windows).map((w) => ({
      probe: w.probe,
      category: w.category,
      windowKey: w.windowKey,
      investigationWorkflowId: investigationWorkflowId(w.probe, w.category, w.windowKey),
      openedAt: new Date(w.openedAtMs).toISOString(),
      expiresAt: new Date(w.expiresAtMs).toISOString(),
      debounced: w.debounced,
    })),
    counters: state.counters,
    settings,
    spendToday: spendToday(state, settings),
    lastReadError: state.lastReadError,
    lastReadInterruption: state.lastReadInterruption,
  };
}

function spendToday(state: TailState, settings: TailSettings): TailStateView['spendToday'] {
  const day = costLadder.utcDay(Date.now());
  const today = state.spend[day] ?? { spentUsd: 0, reservedUsd: 0, halted: 0 };
  return { day, ...today, budgetUsd: settings.investigation.dailyBudgetUsd };
}

