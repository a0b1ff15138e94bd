/**
 * Min-wakes buffering: a pair with no open window opens one only once
 * `wakes` of its wakes have been read within `withinSeconds`. Wakes before
 * that are held (counted, not investigated). `wakes: 1` opens on the first
 * wake, as plain debounce does. Critical wakes skip the buffer when critical
 * bypass is on (the caller decides that).
 */

export interface MinWakesPolicy {
  wakes: number;
  withinSeconds: number;
}

export interface HeldWakes {
  probe: string;
  category: string;
  /** When each held wake was read (oldest first), all within the last `withinSeconds`. */
  seenAtMs: number[];
}

/** Keyed `probe:category`; plain data across continue-as-new. */
export type HeldTable = Record<string, HeldWakes>;

/** What the investigation is told when buffering held its window back (WindowFacts.buffered). */
export interface BufferedFacts {
  wakes: number;
  seconds: number;
}

export type HoldDecision = { table: HeldTable; open: false } | { table: HeldTable; open: true; buffered?: BufferedFacts };

/** One wake of a pair without an open window, read at `nowMs`: held, or the one that opens the window. */
export function holdOrOpen(table: HeldTable, pair: { probe: string; category: string }, key: string, nowMs: number, policy: MinWakesPolicy): HoldDecision {
  if (policy.wakes <= 1) return { table, open: true };
  const recent = (table[key]?.seenAtMs ?? []).filter((at) => at > nowMs - policy.withinSeconds * 1000);
  const seenAtMs = [...recent, nowMs];
  if (seenAtMs.length < policy.wakes) return { table: { ...table, [key]: { probe: pair.probe, category: pair.category, seenAtMs } }, open: false };
  return { table: release(table, key), open: true, buffered: { wakes: seenAtMs.length, seconds: Math.round((nowMs - seenAtMs[0]!) / 1000) } };
}

/** The pair opened a window another way (a critical bypass): its held wakes are spent. */
export function release(table: HeldTable, key: string): HeldTable {
  if (!(key in table)) return table;
  const { [key]: _released, ...rest } = table;
  return rest;
}

/** Drops held wakes older than the policy's span, and pairs left with none. */
export function pruneHeld(table: HeldTable, nowMs: number, policy: MinWakesPolicy): HeldTable {
  const entries = Object.entries(table)
    .map(([key, held]) => [key, { ...held, seenAtMs: held.seenAtMs.filter((at) => at > nowMs - policy.withinSeconds * 1000) }] as const)
    .filter(([, held]) => held.seenAtMs.length > 0);
  return Object.fromEntries(entries);
}
