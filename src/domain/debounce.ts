import type { Severity } from './auditRow';
import type { FlappingFacts } from './flapping';
import type { BufferedFacts } from './minWakes';
import type { HealthRun } from './recovery';

export interface DebouncePolicy {
  /** 0 disables debounce: every wake is investigated. */
  windowSeconds: number;
  /** Critical wakes skip the window (and open a fresh one). */
  bypassCritical: boolean;
}

export interface OpenWindow {
  probe: string;
  category: string;
  windowKey: string;
  openedAtMs: number;
  expiresAtMs: number;
  /** Wakes counted (not investigated) while this window was open. */
  debounced: number;
  /** When the window's last wake (the opening one, or a debounced one) was read. */
  lastSeenAtMs: number;
  /** Consecutive healthy results of the probe since the window opened or the streak last broke (recovery). */
  healthyStreak: number;
  /** Set when the pair was flapping as this window opened (its length is then doubled). */
  flapping?: FlappingFacts;
  /** Set when min-wakes buffering held the window back. */
  buffered?: BufferedFacts;
  /** The storm digest listing this window, if it opened inside a storm. */
  stormKey?: string;
}

/** How a window opens beyond plain debounce: its length and what the investigation is told. */
export interface Opening {
  seconds?: number;
  flapping?: FlappingFacts;
  buffered?: BufferedFacts;
  stormKey?: string;
}

/** Open windows keyed by `probe:category`; plain data so it survives continue-as-new. */
export type WindowTable = Record<string, OpenWindow>;

export interface WakeKey {
  wakeId: string;
  probe: string;
  category: string;
  severity: Severity;
}

export type DebounceDecision =
  | { action: 'dispatch'; windowKey: string; bypassed: boolean }
  | { action: 'debounce'; window: OpenWindow };

export interface ResetScope {
  probe?: string;
  category?: string;
}

/** Names cannot contain ':', so the pair is unambiguous. */
export function pairKey(probe: string, category: string): string {
  return `${probe}:${category}`;
}

/**
 * Decides whether a wake opens a window (dispatch) or falls inside one
 * (debounce). Sliding from the last dispatch: a window is never extended by
 * the wakes it swallows, so two dispatches for one pair are always at least a
 * window apart unless critical bypass is on.
 *
 * The window key is the ID of the wake that opened it: unique per window and
 * identical on every replay, which is what makes the investigation ID dedupe.
 */
export function decide(table: WindowTable, wake: WakeKey, nowMs: number, policy: DebouncePolicy): DebounceDecision {
  if (policy.windowSeconds === 0) return { action: 'dispatch', windowKey: wake.wakeId, bypassed: false };
  const open = table[pairKey(wake.probe, wake.category)];
  const isOpen = open !== undefined && open.expiresAtMs > nowMs;
  if (isOpen && policy.bypassCritical && wake.severity === 'critical') {
    return { action: 'dispatch', windowKey: wake.wakeId, bypassed: true };
  }
  if (isOpen) return { action: 'debounce', window: open };
  return { action: 'dispatch', windowKey: wake.wakeId, bypassed: false };
}

/** Stamps the window for a dispatched wake. Stays stamped whatever the investigation's fate. */
export function stampWindow(
  table: WindowTable,
  wake: WakeKey,
  windowKey: string,
  nowMs: number,
  policy: DebouncePolicy,
  opening: Opening = {},
): WindowTable {
  if (policy.windowSeconds === 0) return table;
  const window: OpenWindow = {
    probe: wake.probe,
    category: wake.category,
    windowKey,
    openedAtMs: nowMs,
    expiresAtMs: nowMs + (opening.seconds ?? policy.windowSeconds) * 1000,
    debounced: 0,
    lastSeenAtMs: nowMs,
    healthyStreak: 0,
  };
  if (opening.flapping) window.flapping = opening.flapping;
  if (opening.buffered) window.buffered = opening.buffered;
  if (opening.stormKey) window.stormKey = opening.stormKey;
  return { ...table, [pairKey(wake.probe, wake.category)]: window };
}

export function countDebounced(table: WindowTable, window: OpenWindow, wakes = 1, nowMs = window.lastSeenAtMs): WindowTable {
  return { ...table, [pairKey(window.probe, window.category)]: { ...window, debounced: window.debounced + wakes, lastSeenAtMs: Math.max(window.lastSeenAtMs, nowMs) } };
}

/** Wakes of one pair and severity folded out of a read: certain to be debounced, so only counted. */
export interface RepeatCount {
  probe: string;
  category: string;
  severity: Severity;
  count: number;
  /**
   * Index (among the read's kept wakes) of the pair's kept wake these came
   * after: they are counted right after it, on the window it left open.
   */
  afterWake: number;
}

/** What the read folds under: the debounce policy plus min-wakes buffering (`PROBE_WAKE_MIN_WAKES`). */
export interface FoldPolicy extends DebouncePolicy {
  /** Absent: 1 (no buffering). */
  minWakes?: number;
}

export function samePolicy(a: FoldPolicy, b: FoldPolicy): boolean {
  return a.windowSeconds === b.windowSeconds && a.bypassCritical === b.bypassCritical && (a.minWakes ?? 1) === (b.minWakes ?? 1);
}

/** A read's rows that matter to the tail, in file order: `beforeWake` places each health row among the wakes. */
export interface ReadRows<W extends WakeKey> {
  wakes: W[];
  /** Health rows (count 1 each from the file), `beforeWake` counted among `wakes`. */
  health: HealthRun[];
}

export interface FoldedRead<W extends WakeKey> {
  /** The wakes the tail must decide one by one, in file order. */
  kept: W[];
  repeats: RepeatCount[];
  /** Health rows of watched probes, run-length folded, `beforeWake` counted among `kept`. */
  health: HealthRun[];
}

/**
 * Folds the wakes of one read that debounce is certain to swallow into
 * counts, so a storm of repeats does not travel through history as payloads,
 * and folds runs of health rows the same way (a chatty probe's results are
 * one entry per run).
 *
 * The tail decides a whole read at one instant. Within a segment of a pair
 * (the read, cut at each healthy or recovered row of its probe, the only rows
 * that can close its window mid-read), after `minWakes` wakes the pair's
 * window is certainly open: they opened it (or were held until the last of
 * them opened it: all were read at the same instant), or fell inside it.
 * Every later wake of the pair in the segment is debounced, and counted on
 * that window. Under critical bypass a critical wake opens a fresh window, so
 * it is kept, and so is every wake of its pair before it. With debounce off
 * nothing is folded.
 *
 * Health rows come back only for the probes the tail watches (those with open
 * windows) and probes woken earlier in the same read; the others cannot
 * touch a window. Degraded/unhealthy results do not cut segments: they break
 * a recovery streak but never close a window.
 */
export function foldRead<W extends WakeKey>(read: ReadRows<W>, policy: FoldPolicy | undefined, watchProbes: readonly string[]): FoldedRead<W> {
  const folding = policy !== undefined && policy.windowSeconds > 0;
  const minWakes = Math.max(1, policy?.minWakes ?? 1);
  const lastCritical = new Map<string, number>();
  if (folding && policy.bypassCritical) {
    read.wakes.forEach((wake, index) => wake.severity === 'critical' && lastCritical.set(pairKey(wake.probe, wake.category), index));
  }
  const watched = new Set(watchProbes);
  const seenInSegment = new Map<string, number>();
  const lastKept = new Map<string, number>();
  const openRun = new Map<string, HealthRun>();
  const kept: W[] = [];
  const repeats = new Map<string, RepeatCount>();
  const health: HealthRun[] = [];
  let next = 0;
  const takeHealth = (row: HealthRun) => {
    if (!watched.has(row.probe)) return;
    if (row.kind === 'recovered' || row.status === 'healthy') {
      for (const pair of [...seenInSegment.keys()]) if (pair.startsWith(`${row.probe}:`)) seenInSegment.delete(pair);
    }
    const run = openRun.get(row.probe);
    if (run && sameRun(run, row)) {
      run.count += row.count;
      return;
    }
    const fresh = { ...row, beforeWake: kept.length };
    health.push(fresh);
    openRun.set(row.probe, fresh);
  };
  read.wakes.forEach((wake, index) => {
    while (next < read.health.length && read.health[next]!.beforeWake <= index) takeHealth(read.health[next++]!);
    watched.add(wake.probe);
    const pair = pairKey(wake.probe, wake.category);
    const seen = seenInSegment.get(pair) ?? 0;
    seenInSegment.set(pair, seen + 1);
    const certainlyDebounced = folding && seen >= minWakes && index > (lastCritical.get(pair) ?? -1);
    if (!certainlyDebounced) {
      kept.push(wake);
      lastKept.set(pair, kept.length - 1);
      // A kept wake of the probe ends its health run: rows after it are a new run.
      openRun.delete(wake.probe);
      return;
    }
    const afterWake = lastKept.get(pair)!;
    const key = `${pair}:${wake.severity}:${afterWake}`;
    const repeat = repeats.get(key) ?? { probe: wake.probe, category: wake.category, severity: wake.severity, count: 0, afterWake };
    repeat.count += 1;
    repeats.set(key, repeat);
  });
  while (next < read.health.length) takeHealth(read.health[next++]!);
  return { kept, repeats: [...repeats.values()], health };
}

function sameRun(a: HealthRun, b: HealthRun): boolean {
  if (a.kind === 'result' && b.kind === 'result') return a.status === b.status;
  if (a.kind === 'recovered' && b.kind === 'recovered') return a.category === b.category;
  return false;
}

/** foldRead of wakes alone. */
export function foldRepeats<W extends WakeKey>(wakes: W[], policy: FoldPolicy): { kept: W[]; repeats: RepeatCount[] } {
  const { kept, repeats } = foldRead({ wakes, health: [] }, policy, []);
  return { kept, repeats };
}

/** Drops expired windows so the table (and continue-as-new input) stays small. */
export function pruneExpired(table: WindowTable, nowMs: number): WindowTable {
  return Object.fromEntries(Object.entries(table).filter(([, window]) => window.expiresAtMs > nowMs));
}

/** `{}` clears all, `{probe}` one probe, `{probe, category}` one pair, `{category}` that category everywhere. */
export function resetWindows(table: WindowTable, scope: ResetScope): { table: WindowTable; cleared: number } {
  const kept = Object.entries(table).filter(
    ([, window]) =>
      !((scope.probe === undefined || scope.probe === window.probe) &&
        (scope.category === undefined || scope.category === window.category)),
  );
  return { table: Object.fromEntries(kept), cleared: Object.keys(table).length - kept.length };
}

/**
 * Reads a resetDebounce signal input as sent from `temporal` / `tctl`.
 * Anything it cannot read exactly (a typo'd key, a number for a name) is
 * refused rather than widened to "clear everything".
 */
export function parseResetScope(input: unknown): { scope: ResetScope } | { error: string } {
  if (input === null || input === undefined) return { scope: {} };
  if (typeof input !== 'object' || Array.isArray(input)) return { error: 'input must be a JSON object such as {"probe":"fly","category":"auth"}' };
  const unknownKeys = Object.keys(input).filter((key) => key !== 'probe' && key !== 'category');
  if (unknownKeys.length > 0) return { error: `unknown field(s) ${unknownKeys.join(', ')}; expected probe and/or category` };
  const { probe, category } = input as Record<string, unknown>;
  if (probe !== undefined && typeof probe !== 'string') return { error: 'probe must be a string' };
  if (category !== undefined && typeof category !== 'string') return { error: 'category must be a string' };
  const scope: ResetScope = {};
  if (probe !== undefined) scope.probe = probe;
  if (category !== undefined) scope.category = category;
  return { scope };
}
