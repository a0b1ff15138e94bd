import type { Severity } from './auditRow';

/**
 * Storms: more than `threshold` windows opened within `groupSeconds` (any
 * pairs). The operator then gets one digest message listing every pair of
 * the storm, posted at once, and re-sent (a higher revision, edited in place)
 * as more pairs join, at most every DIGEST_MIN_INTERVAL_MS so the edits
 * coalesce. A storm lasts while windows keep opening less than `groupSeconds`
 * apart; it ends after `groupSeconds` without one, once its last revision is
 * sent.
 */

export interface StormPolicy {
  /** More than this many windows within the group span make a storm; 0 turns storm digests off. */
  threshold: number;
  groupSeconds: number;
}

/** One window of the storm, as the digest lists it. */
export interface StormPair {
  probe: string;
  category: string;
  severity: Severity;
  /** The wake's summary, cut short; untrusted text (the digest makes it inert). */
  summary?: string;
  windowKey: string;
  openedAtMs: number;
}

export interface ActiveStorm {
  /** The digest message's outbox key. */
  key: string;
  startedAtMs: number;
  lastOpenedAtMs: number;
  /** One entry per pair (its latest window), in the order they joined. */
  pairs: StormPair[];
  /** Pairs joined since the last revision was sent: the next one (sentRevision + 1) is due. */
  pending: boolean;
  /** The revision last handed to the outbox (-1: none yet). Revisions go 0, 1, 2...: the first posts, the rest edit. */
  sentRevision: number;
  lastSentAtMs?: number;
}

export interface StormState {
  /** Windows opened within the last group span while no storm is on (at most threshold + 1). */
  recent: StormPair[];
  active?: ActiveStorm;
  /** Storms seen since the tail started (getState). */
  storms: number;
}

export const DIGEST_MIN_INTERVAL_MS = 2_000;
/** Summaries are kept this short in workflow state; the digest line cuts them further. */
const SUMMARY_KEPT_CHARS = 160;

export function initialStorm(): StormState {
  return { recent: [], storms: 0 };
}

export function stormKey(tailWorkflowId: string, firstWindowKey: string): string {
  return `probe-storm:${tailWorkflowId}:${firstWindowKey}`;
}

/**
 * A window opened: counts it toward a storm. Answers the digest key when the
 * window is part of one (the storm it started, or the one it joined).
 */
export function windowOpened(state: StormState, pair: StormPair, nowMs: number, policy: StormPolicy, tailWorkflowId: string): { state: StormState; digestKey?: string } {
  if (policy.threshold === 0) return { state };
  const kept: StormPair = { ...pair, summary: pair.summary?.slice(0, SUMMARY_KEPT_CHARS) };
  const current = endIfOver(state, nowMs, policy);
  if (current.active) {
    const active = { ...current.active, pairs: withPair(current.active.pairs, kept), pending: true, lastOpenedAtMs: nowMs };
    return { state: { ...current, active }, digestKey: active.key };
  }
  const recent = [...current.recent.filter((p) => p.openedAtMs > nowMs - policy.groupSeconds * 1000), kept];
  if (recent.length <= policy.threshold) return { state: { ...current, recent } };
  const key = stormKey(tailWorkflowId, recent[0]!.windowKey);
  const pairs = recent.reduce<StormPair[]>((list, p) => withPair(list, p), []);
  const active: ActiveStorm = { key, startedAtMs: recent[0]!.openedAtMs, lastOpenedAtMs: nowMs, pairs, pending: true, sentRevision: -1 };
  return { state: { recent: [], active, storms: current.storms + 1 }, digestKey: key };
}

/** Milliseconds until the digest's next revision may be sent (0: now), or undefined when nothing waits. */
export function digestDueInMs(state: StormState, nowMs: number): number | undefined {
  const active = state.active;
  if (!active || !active.pending) return undefined;
  if (active.lastSentAtMs === undefined) return 0;
  return Math.max(0, active.lastSentAtMs + DIGEST_MIN_INTERVAL_MS - nowMs);
}

/** The revision the digest's next send carries. */
export function nextRevision(active: ActiveStorm): number {
  return active.sentRevision + 1;
}

/** A revision was handed to the outbox: its content was the pairs as they were then. */
export function digestSent(state: StormState, revision: number, nowMs: number): StormState {
  if (!state.active) return state;
  return { ...state, active: { ...state.active, sentRevision: revision, pending: false, lastSentAtMs: nowMs } };
}

/** Ends the storm once the group span has passed without a window and its last revision is sent. */
export function endIfOver(state: StormState, nowMs: number, policy: StormPolicy): StormState {
  const active = state.active;
  if (!active) return state;
  const quiet = nowMs - active.lastOpenedAtMs >= policy.groupSeconds * 1000;
  if (!quiet || active.pending) return state;
  const { active: _ended, ...rest } = state;
  return { ...rest, recent: [] };
}

/** A pair that opens a second window in one storm (critical bypass) is listed once, with its latest window. */
function withPair(pairs: StormPair[], pair: StormPair): StormPair[] {
  const index = pairs.findIndex((p) => p.probe === pair.probe && p.category === pair.category);
  if (index === -1) return [...pairs, pair];
  const next = [...pairs];
  next[index] = pair;
  return next;
}
