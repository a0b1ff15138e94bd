/**
 * The incident's lifecycle as pure rules: one investigation workflow is one incident, alive for its
 * debounce window. Its state changes on a few events (the diagnosis, repeated wakes, the window's
 * close); each change says whether the root message must be edited now, and when a repeat-driven
 * edit is allowed next.
 */

/** The lifecycle as the InvestigationOutcome search attribute shows it. */
export type IncidentPhase = 'investigating' | 'investigated' | 'fallback' | 'recovered';

/** Why the incident ended. */
export type ClosedBecause = 'expired' | 'recovered' | 'reset' | 'delivered';

/** Repeat-driven edits of the root: at most one a minute per window (Slack's chat.update is Tier 3, and a thread reads calmer). */
export const REPEAT_EDIT_INTERVAL_MS = 60_000;

export interface IncidentState {
  phase: IncidentPhase;
  /** The root's newest revision asked of the outbox (0: the alert). */
  rootRevision: number;
  /** Wakes of the window so far, the opening one included, and when the last was read. */
  repeats: { wakes: number; lastSeenAtMs: number };
  /** The repeats the root last showed (a newer count is an edit still owed). */
  shownWakes: number;
  /** When the root was last asked to change (epoch ms, workflow time). */
  lastRootEditAtMs?: number;
  /** Where Slack holds the root, once the outbox reported it. */
  root?: { channel: string; ts: string };
  recovered?: { atMs: number; afterMs: number; by?: 'results' | 'event' };
  closed?: { because: ClosedBecause; atMs: number };
}

export function openIncident(openedAtMs: number): IncidentState {
  return { phase: 'investigating', rootRevision: 0, repeats: { wakes: 1, lastSeenAtMs: openedAtMs }, shownWakes: 1 };
}

/** The diagnosis (or fallback) is in: the root becomes revision 1, at once. */
export function diagnosed(state: IncidentState, investigated: boolean, nowMs: number): IncidentState {
  const phase = state.phase === 'recovered' ? 'recovered' : investigated ? 'investigated' : 'fallback';
  return rootEdited({ ...state, phase }, nowMs);
}

/** A windowRepeats signal: counts only grow (signals of one sender arrive in order, but a stale one changes nothing). */
export function repeated(state: IncidentState, repeats: { wakes: number; lastSeenAtMs: number }): IncidentState {
  if (repeats.wakes <= state.repeats.wakes) return state;
  return { ...state, repeats: { wakes: repeats.wakes, lastSeenAtMs: Math.max(repeats.lastSeenAtMs, state.repeats.lastSeenAtMs) } };
}

/**
 * When the root may be edited for repeats: `now` when the count shown is stale and a minute has passed
 * since the last edit of the root; a later time while inside that minute; undefined when nothing is owed.
 * A closed window still owes its last count: the root should end showing every wake of the window.
 */
export function repeatEditDueAtMs(state: IncidentState): number | undefined {
  if (state.repeats.wakes <= state.shownWakes) return undefined;
  return state.lastRootEditAtMs === undefined ? 0 : state.lastRootEditAtMs + REPEAT_EDIT_INTERVAL_MS;
}

/** Records an edit of the root (any cause): the next revision, and what it shows. */
export function rootEdited(state: IncidentState, nowMs: number): IncidentState {
  return { ...state, rootRevision: state.rootRevision + 1, lastRootEditAtMs: nowMs, shownWakes: state.repeats.wakes };
}

/** The posted root's first report: where it lives. Never replaced once known (an edit keeps the message). */
export function rootPosted(state: IncidentState, root: { channel: string; ts: string }): IncidentState {
  return state.root ? state : { ...state, root };
}

/** The window closed (the tail's windowClosed, or its expiry); only the first close counts. */
export function windowClosed(
  state: IncidentState,
  close: { because: Exclude<ClosedBecause, 'delivered'>; atMs: number; by?: 'results' | 'event' },
  openedAtMs: number,
): IncidentState {
  if (state.closed) return state;
  const closed = { because: close.because, atMs: close.atMs };
  if (close.because !== 'recovered') return { ...state, closed };
  const recovered = { atMs: close.atMs, afterMs: Math.max(0, close.atMs - openedAtMs), ...(close.by ? { by: close.by } : {}) };
  return { ...state, phase: 'recovered', recovered, closed };
}

/** Without a window (a start by hand, or debounce off) the incident ends once its diagnosis is delivered. */
export function deliveredWithoutWindow(state: IncidentState, nowMs: number): IncidentState {
  return state.closed ? state : { ...state, closed: { because: 'delivered', atMs: nowMs } };
}
