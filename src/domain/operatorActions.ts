import { clockUtc, formatDuration } from './durations';
import type { Wake } from './auditRow';
import { ownRow, type OwnRow } from './investigationRows';
import { CLICK_ACTIONS, SNOOZE_CHOICES } from './slackActions';
import { inert } from './slackText';

/**
 * The operator's actions on one incident (Slack buttons, `probe-wake ack|approve|decline`) as pure
 * rules: what input is accepted, how each change reads in the thread and on the root, and the
 * `probe.operator_action` audit row. The words of the actions are slackActions.ts CLICK_ACTIONS
 * (the same as api.ts OPERATOR_ACTIONS).
 */

export const OPERATOR_ACTION_EVENT = 'probe.operator_action';

/** A Slack user ID as Slack writes them (U… or, for Enterprise Grid, W…); anything else is never put in mrkdwn. */
export const SLACK_USER_ID = /^[UW][A-Z0-9]+$/;
/** A request's identity: printable, no spaces; 128 at most, the tail's limit for a silence's requestId. */
const REQUEST_ID = /^[\x21-\x7e]{1,128}$/;
const ACTION_FIELDS = new Set(['action', 'actor', 'requestId', 'snoozeSeconds', 'source']);
export const SNOOZE_SECONDS: readonly number[] = SNOOZE_CHOICES.map((c) => c.seconds);

/**
 * How many request answers an incident keeps for repeats. A repeat (a click delivered twice, a retried
 * CLI call) comes within seconds or minutes of the first, so the newest 500 cover it, while an incident
 * clicked for hours cannot grow its state without bound.
 */
export const ANSWERS_KEPT = 500;

/** Records `answer` for `requestId`, dropping the oldest past `kept` (a Map iterates in insertion order). */
export function rememberAnswer<T>(answers: Map<string, T>, requestId: string, answer: T, kept = ANSWERS_KEPT): void {
  answers.set(requestId, answer);
  for (const oldest of answers.keys()) {
    if (answers.size <= kept) break;
    answers.delete(oldest);
  }
}

/** The operatorAction Update's validator: why `value` is not an operator action, or undefined. */
export function operatorActionProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'the action must be an object';
  const a = value as Record<string, unknown>;
  const extra = Object.keys(a).filter((key) => !ACTION_FIELDS.has(key));
  if (extra.length > 0) return `unknown field(s) ${extra.map((k) => JSON.stringify(k)).join(', ')}`;
  if (typeof a.action !== 'string' || !(CLICK_ACTIONS as readonly string[]).includes(a.action)) return `action must be one of ${CLICK_ACTIONS.join(', ')}`;
  if (typeof a.actor !== 'string' || !SLACK_USER_ID.test(a.actor)) return 'actor must be a Slack user ID (such as U024BE7LH)';
  if (typeof a.requestId !== 'string' || !REQUEST_ID.test(a.requestId)) return 'requestId must be 1-128 printable characters without spaces';
  if (a.source !== 'slack' && a.source !== 'cli') return 'source must be slack or cli';
  if (a.action === 'snooze') {
    if (typeof a.snoozeSeconds !== 'number' || !SNOOZE_SECONDS.includes(a.snoozeSeconds)) return `snoozeSeconds must be one of ${SNOOZE_SECONDS.join(', ')}`;
  } else if (a.snoozeSeconds !== undefined) {
    return `snoozeSeconds belongs to snooze only, not ${a.action}`;
  }
  return undefined;
}

/** `<@U024BE7LH>` for a valid user ID (Slack renders the name); anything else as inert text. */
export function mention(userId: string): string {
  return SLACK_USER_ID.test(userId) ? `<@${userId}>` : inert(userId);
}

/** `fly/auth`, inert. */
export function pairName(wake: Pick<Wake, 'probe' | 'category'>): string {
  return `${inert(wake.probe)}/${inert(wake.category)}`;
}

export interface Acknowledged {
  by: string;
  atMs: number;
}

/** The root's context element while acknowledged: `✋ acknowledged by <@U…> at 10:32 UTC`. */
export function acknowledgedLine(ack: Acknowledged): string {
  return `✋ acknowledged by ${mention(ack.by)} at ${clockUtc(ack.atMs)}`;
}

/** Thread lines, one per action that changed something. */
export const threadLines = {
  ack: (actor: string) => `✋ Acknowledged by ${mention(actor)}`,
  snooze: (actor: string, wake: Pick<Wake, 'probe' | 'category'>, seconds: number, untilMs: number, silenceId: string) =>
    `🔕 Snoozed by ${mention(actor)} for ${formatDuration(seconds * 1000)}: ${pairName(wake)} is silenced until ${clockUtc(untilMs)} (silence \`${inert(silenceId)}\`)`,
  reset: (actor: string, wake: Pick<Wake, 'probe' | 'category'>) => `↩️ Window reset by ${mention(actor)}: the next wake of ${pairName(wake)} opens a new incident`,
};

/** The silence reason a snooze asks the tail for: `snoozed from Slack by U…`. */
export function snoozeReason(source: 'slack' | 'cli', actor: string): string {
  return `snoozed from ${source === 'slack' ? 'Slack' : 'the CLI'} by ${actor}`;
}

export interface OperatorActionRow extends OwnRow<typeof OPERATOR_ACTION_EVENT> {
  action: string;
  actor: string;
  source: 'slack' | 'cli';
  request_id: string;
}

/**
 * The audit row of one action that changed something: who, what, when, the workflow and the correlation
 * key (the investigation rows' style and route, so the tail skips it like its own rows). `facts`: what the
 * action did, in snake_case (snooze: `snooze_seconds`, `silence_id`, `silenced_until`).
 */
export function operatorActionRow(
  wake: Wake,
  workflowId: string,
  nowMs: number,
  action: { action: string; actor: string; source: 'slack' | 'cli'; requestId: string },
  facts: Record<string, unknown> = {},
): OperatorActionRow {
  return {
    ...ownRow(OPERATOR_ACTION_EVENT, wake, workflowId, nowMs),
    action: action.action,
    actor: action.actor,
    source: action.source,
    request_id: action.requestId,
    ...facts,
  };
}
