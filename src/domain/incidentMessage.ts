import { clockUtc, formatDuration } from './durations';
import type { TurnUsage } from './agent';
import type { Wake } from './auditRow';
import { factLines, formatDm, headerLine, type Finding } from './dmText';
import { acknowledgedLine, type Acknowledged } from './operatorActions';
import { ACTIONS_BLOCK_ID } from './slackActions';
import { inert, neutraliseMentions, stripControls } from './slackText';

/**
 * The incident's Slack messages as Block Kit: the root message (alert, then diagnosis, repeats, recovery)
 * and its two thread replies. Pure: everything comes from the incident's state.
 *
 * Slack's documented limits, each enforced here:
 */
/** A header's plain_text: 150 characters (https://docs.slack.dev/reference/block-kit/blocks/header-block). */
export const HEADER_MAX_CHARS = 150;
/** A section's text: 3,000 characters (https://docs.slack.dev/reference/block-kit/blocks/section-block; also the text object's own maximum, https://docs.slack.dev/reference/block-kit/composition-objects/text-object). */
export const SECTION_MAX_CHARS = 3000;
/** A context block: at most 10 elements (https://docs.slack.dev/reference/block-kit/blocks/context-block). */
export const CONTEXT_MAX_ELEMENTS = 10;
/** A message: at most 50 blocks (https://docs.slack.dev/reference/block-kit/blocks). */
export const MESSAGE_MAX_BLOCKS = 50;
/** An actions block: at most 25 elements (https://docs.slack.dev/reference/block-kit/blocks/actions-block). */
export const ACTIONS_MAX_ELEMENTS = 25;

export const INVESTIGATION_RUNNING = 'investigation running…';

export type Block = Record<string, unknown>;

/** What Slack takes: `text` is the notification fallback, `blocks` the layout (structurally api.ts SlackMessage). */
export interface RenderedMessage {
  text: string;
  blocks: Block[];
}

/** Everything the root message shows. */
export interface IncidentView {
  wake: Wake;
  /** Absent while the investigation runs. */
  finding?: Finding;
  /** When the window opened (epoch ms). */
  openedAtMs: number;
  /** Wakes of the window so far (the opening one included) and the last one's time; shown once above 1. */
  repeats?: { wakes: number; lastSeenAtMs: number };
  flapping?: { windows: number; periodSeconds: number };
  /** Set once the probe recovered: how long after the window opened. */
  recoveredAfterMs?: number;
  /** The investigation in the Temporal Web UI; absent: no link (an external cluster without PROBE_WAKE_UI_URL). */
  uiLink?: string;
  /** Set once an operator acknowledged: shown on the context line. */
  acknowledged?: Acknowledged;
  /** Interactive elements (issue 14's buttons), rendered as one actions block at the end. */
  actions?: Block[];
}

/** The root message: the alert while the investigation runs, then the finished DM, in place. */
export function incidentMessage(view: IncidentView): RenderedMessage {
  const { wake, finding } = view;
  const text = finding ? formatDm(wake, finding) : alertText(wake);
  const body = finding ? text.slice(text.indexOf('\n') + 1) : factLines(wake).join('\n');
  const head: Block[] = [header(headerLine(wake))];
  if (view.recoveredAfterMs !== undefined) head.push(section(`✅ *Recovered* after ${formatDuration(view.recoveredAfterMs)}`));
  const tail: Block[] = [];
  if (!finding) tail.push(section(`_${INVESTIGATION_RUNNING}_`));
  tail.push(context(contextElements(view)));
  const actions = view.actions?.slice(0, ACTIONS_MAX_ELEMENTS);
  if (actions && actions.length > 0) tail.push({ type: 'actions', block_id: ACTIONS_BLOCK_ID, elements: actions });
  const room = MESSAGE_MAX_BLOCKS - head.length - tail.length;
  return { text, blocks: [...head, ...sections(body, room), ...tail] };
}

/** The notification while the model is still being asked: header, the wake's summary line, and that it runs. */
export function alertText(wake: Wake): string {
  return `${headerLine(wake)}\n${factLines(wake)[0]}\n${INVESTIGATION_RUNNING}`;
}

/** The context line: probe, category, severity, window opened, repeats, flapping, recovery, the Web UI link. */
export function contextElements(view: IncidentView): string[] {
  const { wake } = view;
  const elements = [
    `probe \`${inert(wake.probe)}\``,
    `category \`${inert(wake.category)}\``,
    `severity ${inert(wake.severity)}`,
    `window opened ${clockUtc(view.openedAtMs)}`,
  ];
  if (view.repeats && view.repeats.wakes > 1) elements.push(`seen ${view.repeats.wakes}× · last ${clockUtc(view.repeats.lastSeenAtMs)}`);
  if (view.flapping) elements.push(`flapping: ${view.flapping.windows} windows in ${formatDuration(view.flapping.periodSeconds * 1000)}`);
  if (view.recoveredAfterMs !== undefined) elements.push(`✅ recovered after ${formatDuration(view.recoveredAfterMs)}`);
  if (view.acknowledged) elements.push(acknowledgedLine(view.acknowledged));
  if (view.uiLink) elements.push(`<${view.uiLink}|Temporal Web UI>`);
  return elements.slice(0, CONTEXT_MAX_ELEMENTS);
}

/** What the details thread reply says about the investigation. */
export interface InvestigationDetails {
  turnCount: number;
  toolCalls: number;
  usage: TurnUsage;
  costUsd: number;
  model?: string;
  /** The fallback reason when there was no diagnosis. */
  reason?: string;
}

/** The one thread reply with the investigation's extra detail (kept out of the root). */
export function detailsMessage(details: InvestigationDetails): RenderedMessage {
  const { usage } = details;
  const parts = [
    `${details.turnCount} model ${details.turnCount === 1 ? 'turn' : 'turns'}`,
    `${details.toolCalls} tool ${details.toolCalls === 1 ? 'call' : 'calls'}`,
    `tokens ${usage.inputTokens} in · ${usage.outputTokens} out · ${usage.cacheReadTokens} cache read · ${usage.cacheWriteTokens} cache write`,
    `cost $${details.costUsd.toFixed(4)}`,
    `model ${details.model ? `\`${inert(details.model)}\`` : 'none'}`,
  ];
  if (details.reason) parts.push(`fallback \`${inert(details.reason)}\``);
  const text = `Investigation details: ${parts.join(' · ')}`;
  return { text, blocks: [section(text)] };
}

/** The thread reply when the probe recovered: `✅ fly recovered after 26 min`. */
export function recoveredMessage(wake: Pick<Wake, 'probe'>, afterMs: number): RenderedMessage {
  const text = `✅ ${inert(wake.probe)} recovered after ${formatDuration(afterMs)}`;
  return { text, blocks: [section(text)] };
}

/**
 * A header is plain_text: mrkdwn is not parsed there, but mention syntax must still not ping and
 * control characters must not reach Slack; cut to the limit.
 */
function header(text: string): Block {
  const safe = neutraliseMentions(stripControls(text));
  const cut = safe.length <= HEADER_MAX_CHARS ? safe : `${safe.slice(0, HEADER_MAX_CHARS - 1)}…`;
  return { type: 'header', text: { type: 'plain_text', text: cut, emoji: true } };
}

/**
 * mrkdwn that is already inert (slackText); `verbatim` stops Slack's automatic parsing too (bare URLs,
 * channel names and mentions are not turned into links), per the text object page.
 */
function mrkdwn(text: string): Block {
  return { type: 'mrkdwn', text, verbatim: true };
}

function section(text: string): Block {
  return { type: 'section', text: mrkdwn(text) };
}

function context(elements: string[]): Block {
  return { type: 'context', elements: elements.map(mrkdwn) };
}

/** The body as sections of at most SECTION_MAX_CHARS, split at line boundaries, in at most `room` blocks. */
function sections(body: string, room: number): Block[] {
  const chunks = splitAtLines(body, SECTION_MAX_CHARS);
  if (chunks.length > room) {
    const kept = chunks.slice(0, Math.max(room, 1));
    const marker = '\n… (truncated)';
    const last = kept[kept.length - 1]!;
    kept[kept.length - 1] = cutAt(last, SECTION_MAX_CHARS - marker.length) + marker;
    return kept.map(section);
  }
  return chunks.map(section);
}

/** Chunks of at most `max` characters, each a run of whole lines; a line longer than `max` is cut. Empty chunks dropped. */
export function splitAtLines(text: string, max: number): string[] {
  const chunks: string[] = [];
  let current = '';
  const flush = () => {
    if (current.trim() !== '') chunks.push(current.replace(/^\n+|\n+$/g, ''));
    current = '';
  };
  for (let line of text.split('\n')) {
    while (line.length > max) {
      flush();
      const piece = cutAt(line, max);
      chunks.push(piece);
      line = line.slice(piece.length);
    }
    const joined = current === '' ? line : `${current}\n${line}`;
    if (joined.length > max) {
      flush();
      current = line;
    } else {
      current = joined;
    }
  }
  flush();
  return chunks;
}

/** The first `max` characters, never ending inside an `&amp;`-style entity (unless the entity starts the text). */
function cutAt(text: string, max: number): string {
  const cut = text.slice(0, max);
  if (text.length <= max) return cut;
  const entity = cut.lastIndexOf('&');
  return entity > 0 && entity > cut.length - 6 && !cut.slice(entity).includes(';') ? cut.slice(0, entity) : cut;
}

/**
 * The investigation's page in the Temporal Web UI: `{ui}/namespaces/{ns}/workflows/{id}/{runId}/history`.
 * Every part is URL-encoded, so nothing in it can end the mrkdwn link (`|`, `>`).
 */
export function investigationUiLink(uiUrl: string, namespace: string, workflowId: string, runId: string): string {
  const path = [namespace, workflowId, runId].map(encodeURIComponent);
  return `${uiUrl.replace(/\/+$/, '')}/namespaces/${path[0]}/workflows/${path[1]}/${path[2]}/history`;
}
