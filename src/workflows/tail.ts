import { TimeoutFailure, WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import {
  ActivityFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  log,
  ParentClosePolicy,
  proxyActivities,
  setCurrentDetails,
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
  windowClosedSignal,
  windowRepeatsSignal,
  WORKFLOW_TYPES,
  type InvestigationInput,
  type InvestigationMemo,
  type TailInput,
  type TailSettings,
  type TailStateView,
  type WindowClosed,
  type WindowRepeats,
} from '../api';
import type { Wake } from '../domain/auditRow';
import * as costLadder from '../domain/costLadder';
import * as debounce from '../domain/debounce';
import { flappingNow } from '../domain/flapping';
import { investigationCard } from '../domain/investigationCard';
import * as storm from '../domain/storm';
import { stormDigestMessage } from '../domain/stormDigest';
import type { ReadBatch } from '../domain/tailTypes';
import * as windowBatch from '../domain/windowBatch';
import { DEFAULT_WINDOW_RULES, type WindowRules } from '../domain/windowBatch';
import type { probeInvestigationWorkflow } from './investigation';
import { describeActivityFailure } from './failureReasons';
import * as metrics from './metrics';
import { sendStormDigest } from './stormDigest';
import { initialState, type TailState } from './tailState';
import { activeSilences, installSilenceHandlers, silencesDetails, takeSilenced } from './tailSilences';

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

type Dispatch = windowBatch.Dispatch<Wake>;

/**
 * Commands the tail has issued and the server has not acknowledged yet:
 * child starts (by workflow ID, so a signal to a window opened in the same
 * read waits for its start) and signals. Settled before continue-as-new.
 */
interface InFlight {
  all: Set<Promise<void>>;
  starts: Map<string, Promise<void>>;
}

function rulesOf(settings: TailSettings): WindowRules {
  return settings.windowRules ?? DEFAULT_WINDOW_RULES;
}

function foldPolicyOf(settings: TailSettings): debounce.FoldPolicy {
  return { ...settings.debounce, minWakes: rulesOf(settings).minWakes.wakes };
}

/**
 * Tails the audit log forever: tail → parse → debounce → investigate.
 * Cursor, windows and counters live in workflow state and cross continue-as-new.
 */
export async function probeTailWorkflow(input: TailInput<TailState>): Promise<void> {
  let settings = input.settings;
  const state: TailState = input.state ?? initialState();

  setHandler(getStateQuery, () => view(state, settings));
  // Child starts and signals the server has not acknowledged yet: settled before continue-as-new.
  const inFlight: InFlight = { all: new Set(), starts: new Map() };
  setHandler(resetDebounceSignal, (scope) => resetDebounce(state, scope, inFlight));
  installSilenceHandlers(state, () => setCurrentDetails(silencesDetails(state, Date.now())));
  setCurrentDetails(silencesDetails(state, Date.now()));
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

  // The first read of a run does not wait: it stamps the cursor or catches up at once.
  let waitMs = 0;
  for (;;) {
    const readFailed = await tick(state, () => settings, waitMs, inFlight);
    await sendDueDigest(state);
    if (historyIsLong(settings)) {
      await Promise.all(inFlight.all);
      await condition(allHandlersFinished);
      state.counters.continuedAsNew += 1;
      await continueAsNew<typeof probeTailWorkflow>({ settings, state });
    }
    // A storm digest waiting out its pacing bounds the wait, so its newest revision goes out on time.
    const digestDue = storm.digestDueInMs(state.storm, Date.now());
    const pollMs = Math.max(1, Math.min(settings.pollSeconds * 1000, digestDue ?? Infinity));
    // After a failed read, a plain sleep: a file that cannot be read must not turn the wait into a busy loop.
    if (!readFailed && settings.waitForGrowth) {
      waitMs = pollMs;
    } else {
      waitMs = 0;
      await sleep(pollMs);
    }
  }
}

/** The storm digest's newest revision, when its pacing allows (DIGEST_MIN_INTERVAL_MS after the last). */
async function sendDueDigest(state: TailState): Promise<void> {
  const active = state.storm.active;
  if (!active || storm.digestDueInMs(state.storm, Date.now()) !== 0) return;
  const revision = storm.nextRevision(active);
  await sendStormDigest(active.key, revision, stormDigestMessage(active));
  state.storm = storm.digestSent(state.storm, revision, Date.now());
}

/** Reads until caught up (at most MAX_READS_PER_TICK reads); true when a read failed. */
async function tick(state: TailState, currentSettings: () => TailSettings, waitMs: number, inFlight: InFlight): Promise<boolean> {
  for (let read = 0; read < MAX_READS_PER_TICK; read++) {
    const batch = await readNewRows(state, currentSettings, read === 0 ? waitMs : 0);
    if (batch === 'failed') return true;
    if (batch === 'read again') continue;
    // New settings may have arrived by signal while the read waited: decide with those.
    const settings = currentSettings();
    const decision = decideWindows(state, settings, batch);
    await startInvestigations(state, settings, decision.dispatches, inFlight);
    tellInvestigations(state, decision, inFlight);
    await sendDueDigest(state);
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
    const watchProbes = [...new Set(Object.values(state.windows).map((window) => window.probe))].sort();
    const request = { path: settings.auditLogPath, cursor: state.cursor, replayFromStart: settings.replayFromStart, foldRepeatsUnder: foldPolicyOf(settings), watchProbes };
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
  if (batch.repeats.length > 0 && !debounce.samePolicy(foldPolicyOf(settings), foldPolicyOf(currentSettings()))) {
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

/** The windows' rules: the whole read decided on the workflow's deterministic clock (Date.now() is replay-safe here). */
function decideWindows(state: TailState, settings: TailSettings, read: ReadBatch): windowBatch.BatchDecision<Wake> {
  // Silenced wakes go no further: counted, never investigated, no window opened or counted on.
  const { batch, silenced, pruned } = takeSilenced(state, read, Date.now());
  state.counters.silenced += silenced;
  if (pruned) setCurrentDetails(silencesDetails(state, Date.now()));
  const decision = windowBatch.decideBatch(state, batch, {
    nowMs: Date.now(),
    debounce: settings.debounce,
    rules: rulesOf(settings),
    tailWorkflowId: workflowInfo().workflowId,
  });
  const stormsBefore = state.storm.storms;
  Object.assign(state, decision.state);
  for (const pair of decision.debounced) countDebounced(pair, pair.wakes, state);
  const flapping = decision.dispatches.filter((d) => d.window?.flapping);
  state.counters.held += decision.held;
  state.counters.recovered += decision.recovered.length;
  state.counters.flappingWindows += flapping.length;
  state.counters.storms += state.storm.storms - stormsBefore;
  metrics.held(decision.held);
  for (const { window, by } of decision.recovered) metrics.windowRecovered(window, by);
  for (const dispatch of flapping) metrics.flappingWindow(dispatch.wake);
  metrics.storms(state.storm.storms - stormsBefore);
  if (state.storm.storms > stormsBefore) log.warn('storm: many windows opened at once; sending one digest', { digestKey: state.storm.active?.key, pairs: state.storm.active?.pairs.length });
  for (const { window, by } of decision.recovered) log.info('window closed: probe recovered', { probe: window.probe, category: window.category, windowKey: window.windowKey, by });
  return decision;
}

/**
 * The investigations hear what happened to their windows: the debounced
 * wakes so far (one signal per window per read), and an early close.
 */
function tellInvestigations(state: TailState, decision: windowBatch.BatchDecision<Wake>, inFlight: InFlight): void {
  for (const seen of decision.repeats) {
    signalWindow(state, inFlight, investigationWorkflowId(seen.probe, seen.category, seen.windowKey), (id) =>
      getExternalWorkflowHandle(id).signal(windowRepeatsSignal, { wakes: seen.wakes, lastSeenAtMs: seen.lastSeenAtMs } satisfies WindowRepeats),
    );
  }
  const atMs = Date.now();
  for (const { window, by } of decision.recovered) {
    signalWindow(state, inFlight, investigationWorkflowId(window.probe, window.category, window.windowKey), (id) =>
      getExternalWorkflowHandle(id).signal(windowClosedSignal, { reason: 'recovered', atMs, by } satisfies WindowClosed),
    );
  }
}

/**
 * One signal to a window's investigation, after its start if that is still
 * in flight. Not awaited: the tail reads on. An investigation that already
 * ended (its window's signal came too late) is counted, never an error.
 */
function signalWindow(state: TailState, inFlight: InFlight, workflowId: string, send: (workflowId: string) => Promise<void>): void {
  const started = inFlight.starts.get(workflowId) ?? Promise.resolve();
  const signal = started
    .then(() => send(workflowId))
    .catch((err: unknown) => {
      state.counters.signalsUndelivered += 1;
      log.info('window signal not delivered: the investigation is not running', { workflowId, error: err instanceof Error ? err.message : String(err) });
    });
  inFlight.all.add(signal);
  void signal.then(() => inFlight.all.delete(signal));
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
async function startInvestigations(state: TailState, settings: TailSettings, dispatches: Dispatch[], inFlight: InFlight): Promise<void> {
  if (dispatches.length === 0) return;
  const starts = dispatches.map(async ({ wake, windowKey, window }) => {
    const workflowId = investigationWorkflowId(wake.probe, wake.category, windowKey);
    const spend = reserveSpend(state, settings);
    const card = investigationCard(wake);
    // The investigation lives for its window (`window`).
    const input: InvestigationInput = {
      wake,
      windowKey,
      maxTurns: settings.investigation.maxTurns,
      turnTimeoutSeconds: settings.investigation.turnTimeoutSeconds,
      spend,
      ...(window ? { window } : {}),
    };
    try {
      // By type name: the tail needs the investigation's contract, not its code.
      await startChild<typeof probeInvestigationWorkflow>(WORKFLOW_TYPES.investigation, {
        workflowId,
        args: [input],
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
  starts.forEach((start, index) => {
    const { wake, windowKey } = dispatches[index]!;
    const workflowId = investigationWorkflowId(wake.probe, wake.category, windowKey);
    inFlight.all.add(start);
    inFlight.starts.set(workflowId, start);
    // A start failing with anything but "already started" is a bug and must fail the workflow task, as before.
    void start.then(() => {
      inFlight.all.delete(start);
      if (inFlight.starts.get(workflowId) === start) inFlight.starts.delete(workflowId);
    });
  });
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

/** Clears the windows in scope; their investigations hear `windowClosed` with reason reset. */
function resetDebounce(state: TailState, input: unknown, inFlight: InFlight): void {
  const parsed = debounce.parseResetScope(input);
  if ('error' in parsed) {
    log.warn('resetDebounce ignored', { problem: parsed.error });
    return;
  }
  const atMs = Date.now();
  const { state: next, cleared } = windowBatch.resetScope(state, parsed.scope, atMs);
  Object.assign(state, next);
  state.counters.windowsReset += cleared.length;
  for (const window of cleared) {
    metrics.windowReset(window);
    signalWindow(state, inFlight, investigationWorkflowId(window.probe, window.category, window.windowKey), (id) =>
      getExternalWorkflowHandle(id).signal(windowClosedSignal, { reason: 'reset', atMs } satisfies WindowClosed),
    );
  }
  log.info('debounce reset', { scope: parsed.scope, cleared: cleared.length });
}

function historyIsLong(settings: TailSettings): boolean {
  const info = workflowInfo();
  return info.continueAsNewSuggested || info.historyLength >= settings.historyEventLimit;
}

function view(state: TailState, settings: TailSettings): TailStateView {
  const rules = rulesOf(settings);
  const nowMs = Date.now();
  const active = state.storm.active;
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
      wakes: w.debounced + 1,
      lastSeenAt: new Date(w.lastSeenAtMs).toISOString(),
      healthyStreak: w.healthyStreak,
      ...(w.flapping ? { flapping: w.flapping } : {}),
      ...(w.buffered ? { buffered: w.buffered } : {}),
      ...(w.stormKey ? { stormDigestKey: w.stormKey } : {}),
    })),
    held: Object.values(state.held).map((h) => ({ probe: h.probe, category: h.category, wakes: h.seenAtMs.length, firstSeenAt: new Date(h.seenAtMs[0] ?? nowMs).toISOString() })),
    flapping: Object.entries(state.flaps).flatMap(([key, record]) => {
      const facts = flappingNow(record, nowMs, rules.flap);
      const [probe = key, category = ''] = key.split(':');
      return facts ? [{ probe, category, ...facts }] : [];
    }),
    ...(active
      ? { storm: { digestKey: active.key, startedAt: new Date(active.startedAtMs).toISOString(), pairs: active.pairs.length, sentRevision: active.sentRevision, pending: active.pending } }
      : {}),
    counters: state.counters,
    settings: { ...settings, windowRules: rules },
    spendToday: spendToday(state, settings),
    silences: activeSilences(state, Date.now()),
    lastReadError: state.lastReadError,
    lastReadInterruption: state.lastReadInterruption,
  };
}

function spendToday(state: TailState, settings: TailSettings): TailStateView['spendToday'] {
  const day = costLadder.utcDay(Date.now());
  const today = state.spend[day] ?? { spentUsd: 0, reservedUsd: 0, halted: 0 };
  return { day, ...today, budgetUsd: settings.investigation.dailyBudgetUsd };
}

