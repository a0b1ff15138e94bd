import type { Severity } from './auditRow';

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
): WindowTable {
  if (policy.windowSeconds === 0) return table;
  return {
    ...table,
    [pairKey(wake.probe, wake.category)]: {
      probe: wake.probe,
      category: wake.category,
      windowKey,
      openedAtMs: nowMs,
      expiresAtMs: nowMs + policy.windowSeconds * 1000,
      debounced: 0,
    },
  };
}

export function countDebounced(table: WindowTable, window: OpenWindow, wakes = 1): WindowTable {
  return { ...table, [pairKey(window.probe, window.category)]: { ...window, debounced: window.debounced + wakes } };
}

/** Wakes of one pair and severity folded out of a read: certain to be debounced, so only counted. */
export interface RepeatCount {
  probe: string;
  category: string;
  severity: Severity;
  count: number;
}

export function samePolicy(a: DebouncePolicy, b: DebouncePolicy): boolean {
  return a.windowSeconds === b.windowSeconds && a.bypassCritical === b.bypassCritical;
}

/**
 * Folds the wakes of one read that debounce is certain to swallow into
 * counts, so a storm of repeats does not travel through history as payloads.
 * The tail decides a whole read at one instant, and whatever the window table
 * holds, a pair's first wake in the read leaves the pair's window open (it
 * opened it, or fell inside it): every later wake of that pair in the same
 * read is debounced, and counted on that window. Under critical bypass a
 * critical wake opens a fresh window, so it is kept, and so is every wake of
 * its pair before it (their count belongs to the window it replaces). With
 * debounce off nothing is folded. `kept` keeps file order; deciding `kept`
 * and then counting `repeats` gives the decisions and counts of deciding
 * every wake.
 */
export function foldRepeats<W extends WakeKey>(wakes: W[], policy: DebouncePolicy): { kept: W[]; repeats: RepeatCount[] } {
  if (policy.windowSeconds === 0) return { kept: wakes, repeats: [] };
  const lastCritical = new Map<string, number>();
  if (policy.bypassCritical) {
    wakes.forEach((wake, index) => wake.severity === 'critical' && lastCritical.set(pairKey(wake.probe, wake.category), index));
  }
  const seenPairs = new Set<string>();
  const kept: W[] = [];
  const repeats = new Map<string, RepeatCount>();
  wakes.forEach((wake, index) => {
    const pair = pairKey(wake.probe, wake.category);
    const certainlyDebounced = seenPairs.has(pair) && index > (lastCritical.get(pair) ?? -1);
    seenPairs.add(pair);
    if (!certainlyDebounced) {
      kept.push(wake);
      return;
    }
    const key = `${pair}:${wake.severity}`;
    const repeat = repeats.get(key) ?? { probe: wake.probe, category: wake.category, severity: wake.severity, count: 0 };
    repeat.count += 1;
    repeats.set(key, repeat);
  });
  return { kept, repeats: [...repeats.values()] };
}

/** A wake that opened a window: the tail starts one investigation for it. */
export interface Dispatch<W extends WakeKey = WakeKey> {
  wake: W;
  windowKey: string;
}

/** Wakes of one pair counted, not investigated, in one batch. */
export interface DebouncedCount {
  probe: string;
  category: string;
  wakes: number;
}

export interface BatchDecision<W extends WakeKey> {
  windows: WindowTable;
  dispatches: Dispatch<W>[];
  /** By pair, in the order the pairs were first debounced. */
  debounced: DebouncedCount[];
}

/**
 * Decides one read at one instant: expired windows pruned, the wakes decided
 * in file order (a dispatch stamps its window, a debounced wake is counted on
 * the open one), then the folded repeats counted on the window their pair's
 * first wake in the read left open (foldRepeats).
 */
export function applyBatch<W extends WakeKey>(
  windows: WindowTable,
  batch: { wakes: W[]; repeats: RepeatCount[] },
  nowMs: number,
  policy: DebouncePolicy,
): BatchDecision<W> {
  let table = pruneExpired(windows, nowMs);
  const dispatches: Dispatch<W>[] = [];
  const debounced = new Map<string, DebouncedCount>();
  const count = (pair: { probe: string; category: string }, wakes: number) => {
    const key = pairKey(pair.probe, pair.category);
    const open = table[key];
    if (open) table = countDebounced(table, open, wakes);
    const entry = debounced.get(key) ?? { probe: pair.probe, category: pair.category, wakes: 0 };
    entry.wakes += wakes;
    debounced.set(key, entry);
  };
  for (const wake of batch.wakes) {
    const decision = decide(table, wake, nowMs, policy);
    if (decision.action === 'debounce') {
      count(wake, 1);
      continue;
    }
    table = stampWindow(table, wake, decision.windowKey, nowMs, policy);
    dispatches.push({ wake, windowKey: decision.windowKey });
  }
  for (const repeat of batch.repeats) count(repeat, repeat.count);
  return { windows: table, dispatches, debounced: [...debounced.values()] };
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
