/**
 * probe-wake's wire contract: everything a client, the CLI, a test or an
 * operator relies on to talk to its workflows. The README's "Temporal objects"
 * table is checked against this module (test/unit/api.test.ts).
 *
 * Safe to import from workflow code and from clients alike: it holds
 * definitions and plain types only (no activities, no runtime, no I/O).
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { TurnUsage } from './domain/agent';
import type { InvestigationFacts } from './domain/investigationRows';
import type { Severity, Wake } from './domain/auditRow';
import type { DaySpend, Reservation, SpendReport } from './domain/costLadder';
import type { DebouncePolicy } from './domain/debounce';
import type { ClosedBecause, IncidentPhase } from './domain/incident';
import type { FlappingFacts } from './domain/flapping';
import type { BufferedFacts } from './domain/minWakes';
import type { OpenedFacts, WindowRules } from './domain/windowBatch';
import type { AuditCursor } from './domain/tailTypes';

// ── Task queue, workflow types, workflow IDs ────────────────────────────────

/** `TEMPORAL_TASK_QUEUE` when unset. */
export const DEFAULT_TASK_QUEUE = 'probe-wake';
/** `PROBE_TAIL_WORKFLOW_ID` when unset. */
export const DEFAULT_TAIL_WORKFLOW_ID = 'probe-tail';

export const WORKFLOW_TYPES = {
  tail: 'probeTailWorkflow',
  investigation: 'probeInvestigationWorkflow',
  outbox: 'probeOutboxWorkflow',
} as const;

/**
 * One investigation per debounce window: a retried or replayed start can never make a second one.
 * Names cannot contain ':', so the ID is unambiguous.
 */
export function investigationWorkflowId(probe: string, category: string, windowKey: string): string {
  return `probe-investigation:${probe}:${category}:${windowKey}`;
}

// ── Tail: settings, state view, messages ────────────────────────────────────

/** Non-secret settings the tail runs with; a running tail takes new ones by the updateSettings update. */
export interface TailSettings {
  auditLogPath: string;
  pollSeconds: number;
  debounce: DebouncePolicy;
  replayFromStart: boolean;
  /** Set search attributes on investigations (needs them registered on the namespace). */
  searchAttributes: boolean;
  /** Continue-as-new once history passes this many events (or when the server suggests it). */
  historyEventLimit: number;
  /**
   * Reads wait (up to the poll interval) for the log to grow, so a wake is seen at once. false: plain
   * polling, a timer between reads.
   */
  waitForGrowth: boolean;
  investigation: InvestigationSettings;
  /**
   * Recovery, flapping, min-wakes buffering and storm digests (issue 13).
   * Absent (a hand-sent settings object): DEFAULT_WINDOW_RULES.
   */
  windowRules?: WindowRules;
}

/** What each investigation is allowed: turns, and the daily budget the tail enforces at dispatch. */
export interface InvestigationSettings {
  maxTurns: number;
  /** null: no budget. */
  dailyBudgetUsd: number | null;
  /** Held per running investigation until it reports its real cost. */
  reserveUsd: number;
  /** One model turn's budget in seconds (PROBE_INVESTIGATION_TURN_TIMEOUT_SECONDS); absent: the default. */
  turnTimeoutSeconds?: number;
}

/** The tail workflow's argument; `state` is carried across continue-as-new. */
export interface TailInput<State = unknown> {
  settings: TailSettings;
  state?: State;
}

export interface TailCounters {
  rowsRead: number;
  wakes: number;
  investigationsStarted: number;
  debounced: number;
  /** Wakes a silence swallowed: counted, never investigated (they open no window and count on none). */
  silenced: number;
  badRows: number;
  /** Reads that failed because the audit log could not be read (missing, EACCES, ...): an audit-log fault. */
  readErrors: number;
  /** Reads lost with their worker or the server (heartbeat or start-to-close timeout): not an audit-log fault. */
  readsInterrupted: number;
  /** Times the audit log was read from its start again (rotation, truncation, creation). */
  restarts: number;
  /** `restarts` by cause: rotated, truncated, replaced (deleted and re-created), created. */
  restartsByReason: Record<string, number>;
  /** Rows read from the rest of a rotated file before switching to the new one. */
  rowsFromRotatedFile: number;
  continuedAsNew: number;
  /** Windows closed early because their probe recovered (healthy results or a `probe.recovered` row). */
  recovered: number;
  /** Windows closed by resetDebounce. */
  windowsReset: number;
  /** Wakes held by min-wakes buffering (not investigated, no window yet). */
  held: number;
  /** Windows opened while their pair was flapping (each longer than the last). */
  flappingWindows: number;
  /** Storms detected (one digest message each). */
  storms: number;
  /** Signals to investigations that found no running investigation (it had already ended). */
  signalsUndelivered: number;
}

export interface WindowView {
  probe: string;
  category: string;
  windowKey: string;
  investigationWorkflowId: string;
  openedAt: string;
  expiresAt: string;
  debounced: number;
  /** Wakes seen in the window, the opening one included. */
  wakes: number;
  lastSeenAt: string;
  /** Consecutive healthy results of the probe so far (the window closes at `recoveryConfirmations`). */
  healthyStreak: number;
  flapping?: FlappingFacts;
  buffered?: BufferedFacts;
  /** The storm digest that lists this window. */
  stormDigestKey?: string;
}

/** A pair whose wakes min-wakes buffering holds back (no window yet). */
export interface HeldView {
  probe: string;
  category: string;
  wakes: number;
  firstSeenAt: string;
}

/** A pair in a flapping episode. */
export interface FlappingView extends FlappingFacts {
  probe: string;
  category: string;
}

export interface StormView {
  digestKey: string;
  startedAt: string;
  pairs: number;
  /** The digest revision last sent to the outbox (-1: none yet), and whether pairs joined since. */
  sentRevision: number;
  pending: boolean;
}

/** The getState query's answer. */
export interface TailStateView {
  cursor: AuditCursor | null;
  windows: WindowView[];
  held: HeldView[];
  flapping: FlappingView[];
  /** The storm going on, if any. */
  storm?: StormView;
  counters: TailCounters;
  /** With `windowRules` filled in (the defaults when the settings gave none). */
  settings: TailSettings & { windowRules: WindowRules };
  spendToday: DaySpend & { day: string; budgetUsd: number | null };
  /** Active silences, oldest first (addSilence / removeSilence / the silence signal). */
  silences: Silence[];
  /** Why the last read failed, until a read succeeds. */
  lastReadError?: string;
  /** Why the last read was interrupted, until a read succeeds. */
  lastReadInterruption?: string;
}

/**
 * Input `{}`, `{probe}` or `{probe, category}`; typed loosely because it arrives from CLIs and is checked on
 * receipt (parseResetScope in domain/debounce.ts). A signal, not an Update: operators send it with the
 * stock CLIs, and `tctl` can only signal.
 */
export const resetDebounceSignal = defineSignal<[unknown]>('resetDebounce');
/** New settings for a running tail; the validator (settingsProblem) refuses bad ones to the caller. Answers the settings now in force. */
export const updateSettingsUpdate = defineUpdate<TailSettings, [TailSettings]>('updateSettings');
export const getStateQuery = defineQuery<TailStateView>('getState');
/** From each investigation when it ends: what it really spent against the reservation the tail made. */
export const recordSpendSignal = defineSignal<[SpendReport]>('recordSpend');

/** Every message handler, by kind: what the README's table lists. */

/** The updateSettings validator: settings may come from a hand-typed CLI command. */
export function settingsProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return 'settings must be an object';
  const s = value as Partial<Record<keyof TailSettings, unknown>>;
  const investigation = s.investigation as Partial<Record<keyof InvestigationSettings, unknown>> | undefined;
  const debounce = s.debounce as Partial<Record<'windowSeconds' | 'bypassCritical', unknown>> | undefined;
  const checks: Array<[boolean, string]> = [
    [typeof s.auditLogPath === 'string' && s.auditLogPath !== '', 'auditLogPath must be a non-empty string'],
    [isNumberAtLeast(s.pollSeconds, 0.1), 'pollSeconds must be a number >= 0.1'],
    [typeof debounce === 'object' && debounce !== null, 'debounce must be an object'],
    [isNumberAtLeast(debounce?.windowSeconds, 0), 'debounce.windowSeconds must be a number >= 0'],
    [typeof debounce?.bypassCritical === 'boolean', 'debounce.bypassCritical must be a boolean'],
    [typeof s.replayFromStart === 'boolean', 'replayFromStart must be a boolean'],
    [typeof s.searchAttributes === 'boolean', 'searchAttributes must be a boolean'],
    [isNumberAtLeast(s.historyEventLimit, 10), 'historyEventLimit must be a number >= 10'],
    [typeof s.waitForGrowth === 'boolean', 'waitForGrowth must be a boolean'],
    [typeof investigation === 'object' && investigation !== null, 'investigation must be an object'],
    [isNumberAtLeast(investigation?.maxTurns, 1), 'investigation.maxTurns must be a number >= 1'],
    [investigation?.dailyBudgetUsd === null || isNumberAtLeast(investigation?.dailyBudgetUsd, 0), 'investigation.dailyBudgetUsd must be null or a number >= 0'],
    [isNumberAtLeast(investigation?.reserveUsd, 0), 'investigation.reserveUsd must be a number >= 0'],
    [investigation?.turnTimeoutSeconds === undefined || isNumberAtLeast(investigation?.turnTimeoutSeconds, 10), 'investigation.turnTimeoutSeconds must be a number >= 10'],
  ];
  return checks.find(([ok]) => !ok)?.[1] ?? windowRulesProblem(s.windowRules);
}

/** The window rules' part of the validator; absent rules are the defaults. */
function windowRulesProblem(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null) return 'windowRules must be an object';
  const r = value as Record<string, unknown>;
  const part = (name: string) => (typeof r[name] === 'object' && r[name] !== null ? (r[name] as Record<string, unknown>) : undefined);
  const flap = part('flap');
  const minWakes = part('minWakes');
  const storm = part('storm');
  const integer = (v: unknown, min: number) => isNumberAtLeast(v, min) && Number.isInteger(v);
  const checks: Array<[boolean, string]> = [
    [integer(r.recoveryConfirmations, 1), 'windowRules.recoveryConfirmations must be an integer >= 1 (PROBE_RECOVERY_CONFIRMATIONS)'],
    [flap !== undefined, 'windowRules.flap must be an object'],
    [flap?.windows === 0 || integer(flap?.windows, 2), 'windowRules.flap.windows must be 0 (off) or an integer >= 2 (PROBE_FLAP_WINDOWS)'],
    [isNumberAtLeast(flap?.periodSeconds, 1), 'windowRules.flap.periodSeconds must be a number >= 1 (PROBE_FLAP_PERIOD_SECONDS)'],
    [isNumberAtLeast(flap?.maxWindowSeconds, 1), 'windowRules.flap.maxWindowSeconds must be a number >= 1 (PROBE_FLAP_MAX_WINDOW_SECONDS)'],
    [minWakes !== undefined, 'windowRules.minWakes must be an object'],
    [integer(minWakes?.wakes, 1), 'windowRules.minWakes.wakes must be an integer >= 1 (PROBE_WAKE_MIN_WAKES)'],
    [isNumberAtLeast(minWakes?.withinSeconds, 1), 'windowRules.minWakes.withinSeconds must be a number >= 1 (PROBE_WAKE_MIN_WAKES_SECONDS)'],
    [storm !== undefined, 'windowRules.storm must be an object'],
    [integer(storm?.threshold, 0), 'windowRules.storm.threshold must be an integer >= 0, 0 turning digests off (PROBE_STORM_THRESHOLD)'],
    [isNumberAtLeast(storm?.groupSeconds, 1), 'windowRules.storm.groupSeconds must be a number >= 1 (PROBE_STORM_GROUP_SECONDS)'],
  ];
  return checks.find(([ok]) => !ok)?.[1];
}

function isNumberAtLeast(value: unknown, min: number): boolean {
  return typeof value === 'number' && Number.isFinite(value) && value >= min;
}

// ── Investigations: input, result, search attributes, memo ──────────────────

export interface InvestigationInput {
  wake: Wake;
  windowKey: string;
  /** LLM turns allowed; absent on starts by hand: the default. */
  maxTurns?: number;
  /** One model turn's budget in seconds (askModel's timeouts derive from it); absent: the default. */
  turnTimeoutSeconds?: number;
  /** The cost ladder's decision, made by the tail at dispatch. Absent on starts by hand: no budget applies. */
  spend?: Reservation;
  /**
   * The debounce window this investigation is the incident of: it lives until the window closes (at
   * `closesAtMs`, or earlier on windowClosed). Absent (a start by hand, debounce off): it ends once its
   * diagnosis is delivered.
   */
  window?: WindowFacts;
}

/** `InvestigationOutcome` search attribute values: the incident's lifecycle, investigating → investigated | fallback → recovered. */
export const INVESTIGATION_OUTCOMES = ['investigating', 'investigated', 'fallback', 'recovered'] as const satisfies readonly IncidentPhase[];
export type InvestigationOutcomeValue = (typeof INVESTIGATION_OUTCOMES)[number];

/** The investigation workflow's result. */
export interface InvestigationOutcome extends InvestigationFacts {
  probe: string;
  category: string;
  severity: Severity;
  wakeId: string;
  windowKey: string;
  investigated: boolean;
  slackTs?: string;
  /** When Slack took the DM (ISO-8601); the outbox retries through outages up to PROBE_DM_DELIVERY_HORIZON. */
  dmDeliveredAt?: string;
  /** From asking the outbox to Slack taking the DM. */
  dmLateMs?: number;
  text: string;
  turns: Array<{ stopReason: string | null; usage: TurnUsage; costUsd: number; requestId?: string }>;
  /** Anthropic's request-id of every call that answered, then of the one that failed (for support). */
  requestIds: string[];
  /** Where the lifecycle ended: investigated, fallback, or recovered. */
  phase: InvestigationOutcomeValue;
  /** Wakes of the window seen, the opening one included (the tail's windowRepeats). */
  wakesSeen: number;
  /** Set when the probe recovered: from the window's opening to the recovery. */
  recoveredAfterMs?: number;
  /** Why the incident ended: the window expired, the tail closed it (recovered, reset), or there was no window (delivered). */
  closedBecause: ClosedBecause;
}

/** The investigation's facts once diagnosed and delivered: the result without how the incident ended. */
export type DiagnosisOutcome = Omit<InvestigationOutcome, 'phase' | 'wakesSeen' | 'recoveredAfterMs' | 'closedBecause'>;

/** The getIncident query's answer (also the Web UI's current details, in words). */
export interface IncidentSnapshot {
  phase: InvestigationOutcomeValue;
  /** Wakes of the window so far and when the last was read (epoch ms). */
  wakes: number;
  lastSeenAtMs: number;
  window?: WindowFacts;
  /** The root message in Slack, once the outbox reported it posted. */
  root?: { channel: string; ts: string };
  /** The root's newest revision asked of the outbox (0: the alert). */
  rootRevision: number;
  diagnosed: boolean;
  /**
   * The diagnosis's outcome once it is delivered (or given up), while the incident lives on until its
   * window closes: what the result will say, less the lifecycle facts.
   */
  outcome?: DiagnosisOutcome;
  recoveredAfterMs?: number;
  closedBecause?: ClosedBecause;
  /** Who acknowledged it (the ack button, `probe-wake ack`) and when (epoch ms). */
  acknowledged?: { by: string; atMs: number };
}

/** On an investigation: the incident now (phase, repeats, root message, recovery). */
export const getIncidentQuery = defineQuery<IncidentSnapshot>('getIncident');

/** Keyword search attributes on investigations: probe, category and severity at start, the outcome when done. */
export const SEARCH_ATTRIBUTE_KEYS = {
  ProbeName: defineSearchAttributeKey('ProbeName', SearchAttributeType.KEYWORD),
  IssueCategory: defineSearchAttributeKey('IssueCategory', SearchAttributeType.KEYWORD),
  ProbeSeverity: defineSearchAttributeKey('ProbeSeverity', SearchAttributeType.KEYWORD),
  InvestigationOutcome: defineSearchAttributeKey('InvestigationOutcome', SearchAttributeType.KEYWORD),
} as const;
export const { ProbeName: ProbeNameKey, IssueCategory: IssueCategoryKey, ProbeSeverity: ProbeSeverityKey, InvestigationOutcome: InvestigationOutcomeKey } = SEARCH_ATTRIBUTE_KEYS;
/** What `setup` registers and the dev server is started with: derived from the keys. */
export const SEARCH_ATTRIBUTE_NAMES = Object.values(SEARCH_ATTRIBUTE_KEYS).map((key) => key.name);

/** An investigation's memo: the wake at start, the outcome when diagnosed, the incident as it goes (workflow lists carry it). */
export interface InvestigationMemo {
  wake: Wake;
  outcome?: OutcomeMemo;
  incident?: IncidentMemo;
}

/** Rewritten when the phase changes, with each root edit (at most once a minute for repeats) and at the close. */
export interface IncidentMemo {
  phase: InvestigationOutcomeValue;
  wakes: number;
  recoveredAfterMs?: number;
  closedBecause?: ClosedBecause;
  acknowledged?: { by: string; atMs: number };
}

export interface OutcomeMemo {
  investigated: boolean;
  reason?: string;
  dmSent: boolean;
  dmReason?: string;
}

// ── DM outbox: one long-lived workflow per deployment (task queue) that delivers the operator's messages one call at a time ──

export const OUTBOX_WORKFLOW_TYPE = WORKFLOW_TYPES.outbox;

/** Deterministic: every investigation, worker and CLI of one task queue finds the same outbox. */
export function outboxWorkflowId(taskQueue: string): string {
  return `probe-outbox:${taskQueue}`;
}

/** A message given up on (past the horizon, or refused by Slack for good); `redeliver` sends it again. */
export interface UndeliveredMessage extends OutboxRequest {
  reason: string;
  gaveUpAtMs: number;
  /** An attempt may have reached Slack: redelivery checks the channel before posting. */
  uncertain: boolean;
}

export interface OutboxView {
  queued: number;
  /** Oldest request still queued (epoch ms), if any. */
  oldestQueuedAtMs?: number;
  /** The head's last failure while it is being retried. */
  retrying?: { key: string; attempts: number; lastReason: string };
  delivered: number;
  /** Edits Slack took (chat.update) in this run. */
  edited: number;
  undelivered: UndeliveredMessage[];
}

/** From `probe-wake redeliver`: queue every undelivered message again with a fresh horizon; returns how many. */
export const redeliverUpdate = defineUpdate<{ requeued: number }, []>('redeliver');
export const getOutboxQuery = defineQuery<OutboxView>('getOutbox');

// ── Slack messages through the outbox (issue 13; owner: outbox) ──────────────

/** A message as Slack takes it: `text` is the notification fallback, `blocks` the Block Kit layout. */
export interface SlackMessage {
  text: string;
  blocks?: Array<Record<string, unknown>>;
}

/** Where Slack holds a message. */
export interface SlackLocation {
  channel: string;
  ts: string;
}

/**
 * One message in the operator's DM, keyed. Revision 0 posts it; a higher
 * revision replaces its content (chat.update once posted; the queued post's
 * content while it still waits; the listed content while undelivered). A
 * repeated key and revision, or an older revision, changes nothing.
 */
export interface OutboxRequest {
  /** Unique per deployment; stamped on the Slack message as metadata (the look-up before a re-post finds it by this). */
  key: string;
  revision: number;
  message: SlackMessage;
  /** Post as a reply in the thread of the message with this key (revision 0 only). */
  threadOf?: string;
  /** Where `threadOf`'s message is, when the requester knows (its own report): needs no record in the outbox. */
  parent?: SlackLocation;
  /** Revision > 0: where Slack holds this key's message, when the requester knows (its own report). */
  posted?: SlackLocation;
  /** Ahead of everything queued (the storm digest): the operator must see it first. */
  urgent?: boolean;
  /** The workflow told when Slack holds this revision, or when it is given up; absent: nobody. */
  reportTo?: string;
  /** When it was asked for (epoch ms, workflow time): lateness counts from here. */
  requestedAtMs: number;
}

/** `revision`: the revision Slack now holds (delivered), or the one given up. */
export type OutboxReport =
  | { key: string; revision: number; delivered: true; channel: string; ts: string; deliveredAtMs: number; lateMs: number; alreadyPosted: boolean }
  | { key: string; revision: number; delivered: false; reason: string; atMs: number };

/** Keys of an investigation's messages: its root is its workflow ID; thread replies add a suffix. */
export function threadReplyKey(investigationId: string, reply: string): string {
  return `${investigationId}#${reply}`;
}

/** To the outbox: deliver this revision of this message (idempotent per key and revision). */
export const enqueueMessageSignal = defineSignal<[OutboxRequest]>('enqueueMessage');
/** From the outbox to the request's `reportTo`. */
export const messageReportSignal = defineSignal<[OutboxReport]>('messageReport');

// ── Tail → investigation: the window's life (issue 13; owner: tail) ─────────

/**
 * What the tail decided about the window when it opened it; the investigation lives until it closes.
 * openedAtMs; closesAtMs (expiry unless the tail closes it earlier: recovery, reset); flapping (how many
 * windows the pair opened in how long, since its flapping began); buffered (wakes held before it opened, and
 * over how long); storm (the digest message listing it). Defined with the rules in src/domain/windowBatch.ts.
 */
export type WindowFacts = OpenedFacts;

/** Wakes of the window so far (the opening one included) and when the last was read. */
export interface WindowRepeats {
  wakes: number;
  lastSeenAtMs: number;
}

/** The tail closed the window before it expired. */
export interface WindowClosed {
  reason: 'recovered' | 'reset';
  atMs: number;
  /** recovered: by consecutive healthy `probe.result` rows, or by a `probe.recovered` row. */
  by?: 'results' | 'event';
}

export const windowRepeatsSignal = defineSignal<[WindowRepeats]>('windowRepeats');
export const windowClosedSignal = defineSignal<[WindowClosed]>('windowClosed');

// ── Operator actions (issue 14; owner: actions) ─────────────────────────────

export const OPERATOR_ACTIONS = ['ack', 'snooze', 'reset', 'fix_approve', 'fix_decline'] as const;
export type OperatorActionKind = (typeof OPERATOR_ACTIONS)[number];

/** One operator action on one investigation, from Slack or the CLI. */
export interface OperatorAction {
  action: OperatorActionKind;
  /** Slack user ID of who acted (CLI: `--as`), already checked against PROBE_WAKE_SLACK_ACTORS. */
  actor: string;
  /**
   * Identity of the click (`slack:{action_ts}:{user}:{action_id}`, domain/slackActions.ts clickRequestId) or
   * CLI call: a repeat changes nothing twice. The Slack receiver also sends it as the Update ID.
   */
  requestId: string;
  /** snooze only. */
  snoozeSeconds?: number;
  source: 'slack' | 'cli';
}

export interface OperatorActionResult {
  /** false: a repeat, or nothing to change (already acknowledged, no fix pending...). */
  changed: boolean;
  /** One line for the operator (ephemeral in Slack, printed by the CLI). */
  message: string;
}

/** On an investigation: the buttons' and `probe-wake approve|decline|ack` target. */
export const operatorActionUpdate = defineUpdate<OperatorActionResult, [OperatorAction]>('operatorAction');

// ── Silences on the tail (issue 14; owner: silences) ───────────────────────

// SilenceRequest, Silence and their rules live in domain/silences.ts (the validators run in the tail and the CLI alike).
import type { Silence, SilenceRequest } from './domain/silences';
export type { Silence, SilenceRequest } from './domain/silences';

/**
 * On the tail: answers the silence now in force (a repeat of an active silence's requestId answers that one).
 * The validator (addSilenceProblem) refuses bad input to the caller, naming the problem.
 */
export const addSilenceUpdate = defineUpdate<Silence, [SilenceRequest]>('addSilence');
/**
 * On the tail: ends an active silence early and answers it; an unknown (or already ended) id is refused by the
 * validator. `removedBy` (a Slack user ID, or cli:{login}) is logged by the tail and kept in its history.
 */
export const removeSilenceUpdate = defineUpdate<Silence, [{ id: string; removedBy?: string }]>('removeSilence');
/** The same as addSilence for `tctl`, which can only signal; bad input is logged (with its problem) and ignored. Typed loosely: it comes from a CLI. */
export const silenceSignal = defineSignal<[unknown]>('silence');

// ── Fix runs (issue 14; owner: fixver) ─────────────────────────────────────

/** What the runFix activity is asked to do: one approved fix for one investigation. No secret in here. */
export interface FixRunRequest {
  /** The investigation's workflow ID. */
  workflowId: string;
  /** The wake envelope's fix_name; PROBE_FIX_RUNNERS says which runner carries it out. */
  fixName: string;
  probe: string;
  category: string;
  wakeId: string;
  /** Slack user ID of the human who clicked approve (or `--as` on the CLI). */
  approvedBy: string;
  /** ISO-8601, when the approval was taken (workflow time). */
  approvedAt: string;
}

/** What a runner answered; an ok:false result is a value, not a failed activity. */
export interface FixRunResult {
  ok: boolean;
  runner: 'webhook' | 'command' | 'none';
  fixName: string;
  idempotencyKey: string;
  /** The receiver already had this Idempotency-Key (409, or `Idempotent-Replayed: true`): done once, not again. */
  alreadyDone?: boolean;
  /** Webhook: the HTTP status. */
  status?: number;
  /** Command: the exit code (null when it was ended by a signal). */
  exitCode?: number | null;
  signal?: string;
  /** Why ok is false: `no_runner`, `http_{status}`, `exit_{code}`, `signal_{SIG}`, `timeout`, `spawn_error:{code}`. */
  reason?: string;
  /** The end of the runner's output (at most 2 KiB), secrets replaced by [redacted]. */
  outputExcerpt: string;
  durationMs: number;
  /** The activity attempt that answered (1 unless a retry after a crash or a transient failure). */
  attempt: number;
}

/** One key per investigation and fix, the same on every attempt: a runner that honours it runs the fix once. */
export function fixIdempotencyKey(workflowId: string, fixName: string): string {
  return `${workflowId}/${fixName}`;
}

/** Every message handler, by kind: what the README's table lists. */
export const SIGNALS = [resetDebounceSignal, recordSpendSignal, enqueueMessageSignal, messageReportSignal, windowRepeatsSignal, windowClosedSignal, silenceSignal] as const;
export const QUERIES = [getStateQuery, getOutboxQuery, getIncidentQuery] as const;
export const UPDATES = [updateSettingsUpdate, redeliverUpdate, addSilenceUpdate, removeSilenceUpdate, operatorActionUpdate] as const;
