/**
 * The operator's buttons on an incident's root message: what each button carries and how a click is read
 * back. Pure: no Slack SDK, no Temporal. The Bolt receiver (src/slack/) reads clicks with
 * `readClick`; the incident renderer puts `actionsBlock` on the root message.
 *
 * Block Kit limits (https://docs.slack.dev/reference/block-kit/block-elements/button-element): a button's
 * text is plain_text of at most 75 characters, its `value` at most 2,000, its `action_id` at most 255 and
 * unique among the action_ids of its block (https://docs.slack.dev/tools/node-slack-sdk/reference/types/interfaces/Button);
 * an actions block holds at most 25 elements and its `block_id` at most 255 characters
 * (https://docs.slack.dev/reference/block-kit/blocks/actions-block).
 */

export const BUTTON_TEXT_MAX = 75;
export const BUTTON_VALUE_MAX = 2_000;
export const ACTION_ID_MAX = 255;
export const ACTIONS_BLOCK_MAX_ELEMENTS = 25;

/** The kinds of action a button asks for (the same words as api.ts OPERATOR_ACTIONS). */
export const CLICK_ACTIONS = ['ack', 'snooze', 'reset', 'fix_approve', 'fix_decline'] as const;
export type ClickAction = (typeof CLICK_ACTIONS)[number];

export const ACTION_ID_PREFIX = 'probe_wake.';
/** `probe_wake.ack`, `probe_wake.snooze`, ... */
export const actionIdOf = (action: ClickAction): string => `${ACTION_ID_PREFIX}${action}`;

/**
 * The snooze choices. The three snooze buttons share one block, where action_ids must differ, so each
 * carries a suffix (`probe_wake.snooze.1h`); the duration itself is read from the value, never the suffix.
 */
export const SNOOZE_CHOICES = [
  { label: '1h', seconds: 3_600 },
  { label: '4h', seconds: 14_400 },
  { label: '24h', seconds: 86_400 },
] as const;
const SNOOZE_SECONDS: readonly number[] = SNOOZE_CHOICES.map((c) => c.seconds);

/**
 * A button's `value`, as JSON: `{"workflowId":"probe-investigation:fly:auth:w-7f3a"}`, and for snooze
 * `{"workflowId":"…","snoozeSeconds":3600}`. No other key is accepted.
 */
export interface ButtonValue {
  workflowId: string;
  snoozeSeconds?: number;
}

/** A Temporal workflow ID as probe-wake makes them: printable, no whitespace, within Temporal's default limit. */
const WORKFLOW_ID = /^[\x21-\x7e]{1,1000}$/;

export function encodeButtonValue(value: ButtonValue): string {
  const problem = valueProblem(value, value.snoozeSeconds !== undefined ? 'snooze' : 'ack');
  if (problem) throw new Error(`cannot encode a button value: ${problem}`);
  const text = JSON.stringify(value.snoozeSeconds === undefined ? { workflowId: value.workflowId } : { workflowId: value.workflowId, snoozeSeconds: value.snoozeSeconds });
  if (text.length > BUTTON_VALUE_MAX) throw new Error(`cannot encode a button value: ${text.length} characters, Slack takes at most ${BUTTON_VALUE_MAX}`);
  return text;
}

/** What Slack tells us about one click (block_actions payload: `actions[0]` and `user.id`). */
export interface ClickFacts {
  actionId: string;
  value: string | undefined;
  /** `actions[0].action_ts`: Slack's timestamp of the click, the same on a redelivery. */
  actionTs: string | undefined;
  userId: string | undefined;
}

export interface ReadClick {
  action: ClickAction;
  workflowId: string;
  snoozeSeconds?: number;
  actor: string;
  /** The click's identity: a redelivered click has the same one. */
  requestId: string;
}

export type ClickReading = { ok: true; click: ReadClick } | { ok: false; problem: string };

/** The identity of one click: Slack's action_ts, the clicker and the button. */
export function clickRequestId(actionTs: string, userId: string, actionId: string): string {
  return `slack:${actionTs}:${userId}:${actionId}`;
}

const ACTION_ID = /^probe_wake\.(ack|snooze|reset|fix_approve|fix_decline)(?:\.[A-Za-z0-9_-]{1,32})?$/;
const USER_ID = /^[UW][A-Z0-9]{2,}$/;
const ACTION_TS = /^\d{1,12}\.\d{1,9}$/;

/** The action kind an action_id names, or undefined when it is not one of ours. */
export function actionOfId(actionId: string): ClickAction | undefined {
  const m = ACTION_ID.exec(actionId);
  return m ? (m[1] as ClickAction) : undefined;
}

/** Reads one click; anything malformed is refused with a reason naming what is wrong. */
export function readClick(facts: ClickFacts): ClickReading {
  const action = actionOfId(facts.actionId);
  if (!action) return refuse(`unknown action_id ${JSON.stringify(facts.actionId.slice(0, 80))}`);
  if (!facts.userId || !USER_ID.test(facts.userId)) return refuse('the click names no Slack user');
  if (!facts.actionTs || !ACTION_TS.test(facts.actionTs)) return refuse('the click has no action_ts');
  if (facts.value === undefined || facts.value === '') return refuse('the button has no value');
  if (facts.value.length > BUTTON_VALUE_MAX) return refuse(`the button value is over ${BUTTON_VALUE_MAX} characters`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(facts.value);
  } catch {
    return refuse('the button value is not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return refuse('the button value is not a JSON object');
  const problem = valueProblem(parsed as Record<string, unknown>, action);
  if (problem) return refuse(problem);
  const value = parsed as ButtonValue;
  return {
    ok: true,
    click: {
      action,
      workflowId: value.workflowId,
      ...(action === 'snooze' ? { snoozeSeconds: value.snoozeSeconds } : {}),
      actor: facts.userId,
      requestId: clickRequestId(facts.actionTs, facts.userId, facts.actionId),
    },
  };
}

function valueProblem(value: Record<string, unknown> | ButtonValue, action: ClickAction): string | undefined {
  const extra = Object.keys(value).filter((key) => key !== 'workflowId' && key !== 'snoozeSeconds');
  if (extra.length > 0) return `the button value has unknown field(s) ${extra.map((k) => JSON.stringify(k)).join(', ')}`;
  const { workflowId, snoozeSeconds } = value as Record<string, unknown>;
  if (typeof workflowId !== 'string' || !WORKFLOW_ID.test(workflowId)) return 'the button value names no workflowId (1-1000 printable characters)';
  if (action === 'snooze') {
    if (typeof snoozeSeconds !== 'number' || !SNOOZE_SECONDS.includes(snoozeSeconds)) {
      return `snoozeSeconds must be one of ${SNOOZE_SECONDS.join(', ')}`;
    }
  } else if (snoozeSeconds !== undefined) {
    return `snoozeSeconds belongs to snooze only, not ${action}`;
  }
  return undefined;
}

const refuse = (problem: string): ClickReading => ({ ok: false, problem });

// ── The actions block ────────────────────────────────────────────────────────

export interface PlainText {
  type: 'plain_text';
  text: string;
  emoji?: boolean;
}

export interface ButtonElement {
  type: 'button';
  action_id: string;
  text: PlainText;
  value: string;
  style?: 'primary' | 'danger';
}

export interface ActionsBlock {
  type: 'actions';
  block_id: string;
  elements: ButtonElement[];
}

export interface ActionsBlockOptions {
  /** The investigation workflow the buttons act on. */
  workflowId: string;
  /** Show Approve / Decline: only when the wake's envelope is enabled and a runner is configured for its fix. */
  fixPending?: boolean;
}

export const ACTIONS_BLOCK_ID = 'probe_wake.actions';

/** The root message's buttons: Acknowledge, Snooze 1h/4h/24h, Reset window, and Approve/Decline fix when a fix waits. */
export function actionsBlock(options: ActionsBlockOptions): ActionsBlock {
  const plain = { workflowId: options.workflowId };
  const elements: ButtonElement[] = [
    button('ack', 'Acknowledge', encodeButtonValue(plain), 'primary'),
    ...SNOOZE_CHOICES.map((choice) =>
      button('snooze', `Snooze ${choice.label}`, encodeButtonValue({ workflowId: options.workflowId, snoozeSeconds: choice.seconds }), undefined, choice.label),
    ),
    button('reset', 'Reset window', encodeButtonValue(plain)),
  ];
  if (options.fixPending) {
    elements.push(button('fix_approve', 'Approve fix', encodeButtonValue(plain), 'primary'));
    elements.push(button('fix_decline', 'Decline fix', encodeButtonValue(plain), 'danger'));
  }
  return { type: 'actions', block_id: ACTIONS_BLOCK_ID, elements };
}

function button(action: ClickAction, text: string, value: string, style?: 'primary' | 'danger', suffix?: string): ButtonElement {
  const actionId = suffix ? `${actionIdOf(action)}.${suffix}` : actionIdOf(action);
  if (text.length > BUTTON_TEXT_MAX || actionId.length > ACTION_ID_MAX) throw new Error(`button ${actionId} is over Slack's limits`);
  return { type: 'button', action_id: actionId, text: { type: 'plain_text', text, emoji: true }, value, ...(style ? { style } : {}) };
}
