import type { Severity } from './auditRow';
import { countDebounced, decide, pairKey, pruneExpired, resetWindows, stampWindow, type DebouncePolicy, type ResetScope, type OpenWindow, type RepeatCount, type WakeKey, type WindowTable } from './debounce';
import * as flapping from './flapping';
import * as minWakes from './minWakes';
import * as recovery from './recovery';
import * as storm from './storm';

/**
 * One read decided at one instant: the windows' whole life in the tail.
 * Expired windows are pruned; then the read's wakes and health rows are
 * taken in file order: a wake opens a window (debounce, min-wakes buffering,
 * flapping's longer windows, storm grouping) or is counted on the open one;
 * a health row moves recovery streaks and may close windows early; folded
 * repeats are counted right after the kept wake they follow (foldRead).
 */

/** Every window rule beyond plain debounce (issue 13). */
export interface WindowRules {
  /** Consecutive healthy `probe.result` rows that close the probe's windows. */
  recoveryConfirmations: number;
  flap: flapping.FlapPolicy;
  minWakes: minWakes.MinWakesPolicy;
  storm: storm.StormPolicy;
}

export const DEFAULT_WINDOW_RULES: WindowRules = {
  recoveryConfirmations: 2,
  flap: { windows: 3, periodSeconds: 7200, maxWindowSeconds: 6 * 3600 },
  minWakes: { wakes: 1, withinSeconds: 300 },
  storm: { threshold: 5, groupSeconds: 10 },
};

/** The tail's durable window state (crosses continue-as-new). */
export interface WindowState {
  windows: WindowTable;
  flaps: flapping.FlapTable;
  held: minWakes.HeldTable;
  storm: storm.StormState;
}

export function initialWindowState(): WindowState {
  return { windows: {}, flaps: {}, held: {}, storm: storm.initialStorm() };
}

/** The WindowFacts the investigation starts with (src/api.ts). */
export interface OpenedFacts {
  openedAtMs: number;
  closesAtMs: number;
  flapping?: flapping.FlappingFacts;
  buffered?: minWakes.BufferedFacts;
  storm?: { digestKey: string };
}

/** A wake that opened a window (or, with debounce off, any wake): the tail starts one investigation for it. */
export interface Dispatch<W extends WakeKey = WakeKey> {
  wake: W;
  windowKey: string;
  /** Absent with debounce off: there is no window. */
  window?: OpenedFacts;
}

/** Wakes of one pair counted, not investigated, in one batch. */
export interface DebouncedCount {
  probe: string;
  category: string;
  wakes: number;
}

/** A window that got debounced wakes in this batch and is still open: its investigation hears of them. */
export interface RepeatsSeen {
  probe: string;
  category: string;
  windowKey: string;
  /** Wakes of the window so far, the opening one included. */
  wakes: number;
  lastSeenAtMs: number;
}

export interface ClosedWindow {
  window: OpenWindow;
  by: recovery.ClosedBy;
}

export interface BatchDecision<W extends WakeKey> {
  state: WindowState;
  dispatches: Dispatch<W>[];
  /** By pair, in the order the pairs were first debounced. */
  debounced: DebouncedCount[];
  /** One entry per window at most. */
  repeats: RepeatsSeen[];
  /** Windows closed early by recovery, in the order they closed. */
  recovered: ClosedWindow[];
  /** Wakes held by min-wakes buffering. */
  held: number;
}

export interface BatchInput<W extends WakeKey> {
  wakes: W[];
  repeats: RepeatCount[];
  health: recovery.HealthRun[];
}

export interface BatchContext {
  nowMs: number;
  debounce: DebouncePolicy;
  rules: WindowRules;
  /** For the storm digest's key. */
  tailWorkflowId: string;
}

type StormWake = WakeKey & { summary?: string; severity: Severity };

export function decideBatch<W extends StormWake>(before: WindowState, batch: BatchInput<W>, context: BatchContext): BatchDecision<W> {
  const { nowMs, debounce, rules } = context;
  let state = expire(before, nowMs, rules);
  const dispatches: Dispatch<W>[] = [];
  const debounced = new Map<string, DebouncedCount>();
  const repeated = new Set<string>();
  const recovered: ClosedWindow[] = [];
  let held = 0;

  const count = (pair: { probe: string; category: string }, wakes: number) => {
    const key = pairKey(pair.probe, pair.category);
    const open = state.windows[key];
    if (open) {
      const windows = recovery.breakStreak(state.windows, pair.probe);
      state = { ...state, windows: countDebounced(windows, windows[key]!, wakes, nowMs) };
      repeated.add(key);
    }
    const entry = debounced.get(key) ?? { probe: pair.probe, category: pair.category, wakes: 0 };
    entry.wakes += wakes;
    debounced.set(key, entry);
  };

  const open = (wake: W, windowKey: string, buffered?: minWakes.BufferedFacts) => {
    const key = pairKey(wake.probe, wake.category);
    const stormed = storm.windowOpened(
      state.storm,
      { probe: wake.probe, category: wake.category, severity: wake.severity, summary: wake.summary, windowKey, openedAtMs: nowMs },
      nowMs,
      rules.storm,
      context.tailWorkflowId,
    );
    state = { ...state, storm: stormed.state };
    if (debounce.windowSeconds === 0) {
      dispatches.push({ wake, windowKey });
      return;
    }
    let flaps = state.flaps;
    if (state.windows[key]) flaps = flapping.windowEnded(flaps, key, nowMs); // replaced by a critical bypass
    const length = flapping.openWindow(flaps, key, nowMs, debounce.windowSeconds, rules.flap);
    const windows = stampWindow(state.windows, wake, windowKey, nowMs, debounce, {
      seconds: length.seconds,
      flapping: length.flapping,
      buffered,
      stormKey: stormed.digestKey,
    });
    state = { ...state, windows, flaps: length.table, held: minWakes.release(state.held, key) };
    const facts: OpenedFacts = { openedAtMs: nowMs, closesAtMs: nowMs + length.seconds * 1000 };
    if (length.flapping) facts.flapping = length.flapping;
    if (buffered) facts.buffered = buffered;
    if (stormed.digestKey) facts.storm = { digestKey: stormed.digestKey };
    dispatches.push({ wake, windowKey, window: facts });
  };

  const takeWake = (wake: W) => {
    state = { ...state, windows: recovery.breakStreak(state.windows, wake.probe) };
    const decision = decide(state.windows, wake, nowMs, debounce);
    if (decision.action === 'debounce') {
      count(wake, 1);
      return;
    }
    const exempt = decision.bypassed || (debounce.bypassCritical && wake.severity === 'critical');
    if (debounce.windowSeconds > 0 && !exempt) {
      const hold = minWakes.holdOrOpen(state.held, wake, pairKey(wake.probe, wake.category), nowMs, rules.minWakes);
      state = { ...state, held: hold.table };
      if (!hold.open) {
        held += 1;
        return;
      }
      open(wake, decision.windowKey, hold.buffered);
      return;
    }
    open(wake, decision.windowKey);
  };

  const takeHealth = (run: recovery.HealthRun) => {
    const outcome = recovery.applyHealth(state.windows, run, rules.recoveryConfirmations);
    let windows = outcome.table;
    let flaps = state.flaps;
    for (const { key, by } of outcome.closed) {
      const window = windows[key]!;
      recovered.push({ window, by });
      repeated.delete(key);
      const { [key]: _closed, ...rest } = windows;
      windows = rest;
      flaps = flapping.windowEnded(flaps, key, nowMs);
    }
    state = { ...state, windows, flaps };
  };

  const repeatsAfter = new Map<number, RepeatCount[]>();
  for (const repeat of batch.repeats) repeatsAfter.set(repeat.afterWake, [...(repeatsAfter.get(repeat.afterWake) ?? []), repeat]);
  let nextHealth = 0;
  batch.wakes.forEach((wake, index) => {
    while (nextHealth < batch.health.length && batch.health[nextHealth]!.beforeWake <= index) takeHealth(batch.health[nextHealth++]!);
    takeWake(wake);
    for (const repeat of repeatsAfter.get(index) ?? []) count(repeat, repeat.count);
  });
  while (nextHealth < batch.health.length) takeHealth(batch.health[nextHealth++]!);

  const repeats = [...repeated].flatMap((key) => {
    const window = state.windows[key];
    return window ? [{ probe: window.probe, category: window.category, windowKey: window.windowKey, wakes: window.debounced + 1, lastSeenAtMs: window.lastSeenAtMs }] : [];
  });
  return { state, dispatches, debounced: [...debounced.values()], repeats, recovered, held };
}

/** Prunes what time has ended: expired windows (flapping's quiet counts from their expiry), old held wakes, a finished storm. */
export function expire(state: WindowState, nowMs: number, rules: WindowRules): WindowState {
  let flaps = state.flaps;
  for (const [key, window] of Object.entries(state.windows)) {
    if (window.expiresAtMs <= nowMs) flaps = flapping.windowEnded(flaps, key, window.expiresAtMs);
  }
  return {
    windows: pruneExpired(state.windows, nowMs),
    flaps: flapping.pruneQuiet(flaps, nowMs, rules.flap),
    held: minWakes.pruneHeld(state.held, nowMs, rules.minWakes),
    storm: storm.endIfOver(state.storm, nowMs, rules.storm),
  };
}

/** resetDebounce: the windows in scope close now (their investigations hear `reset`); flapping's quiet counts from now. */
export function resetScope(state: WindowState, scope: ResetScope, nowMs: number): { state: WindowState; cleared: OpenWindow[] } {
  const { table } = resetWindows(state.windows, scope);
  const cleared = Object.entries(state.windows).filter(([key]) => !(key in table)).map(([, window]) => window);
  let flaps = state.flaps;
  for (const window of cleared) flaps = flapping.windowEnded(flaps, pairKey(window.probe, window.category), nowMs);
  let held = state.held;
  for (const [key, pair] of Object.entries(held)) {
    if ((scope.probe === undefined || scope.probe === pair.probe) && (scope.category === undefined || scope.category === pair.category)) held = minWakes.release(held, key);
  }
  return { state: { ...state, windows: table, flaps, held }, cleared };
}
