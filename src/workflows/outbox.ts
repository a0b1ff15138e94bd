import {
  allHandlersFinished,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  log,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { DeliverMessageResult } from '../activities/deliverMessage';
import { CHANNEL_POST_INTERVAL_MS, EDIT_INTERVAL_MS, messageWithLateness, retryDelayMs } from '../domain/delivery';
import * as metrics from './metrics';
import {
  enqueueMessageSignal,
  getOutboxQuery,
  messageReportSignal,
  redeliverUpdate,
  type OutboxReport,
  type OutboxRequest,
  type OutboxView,
  type SlackLocation,
  type UndeliveredMessage,
} from '../api';

/** A queued message (the newest revision asked for) and how its delivery is going. */
interface Pending extends OutboxRequest {
  /** Set: Slack holds an earlier revision here, so this is an edit (chat.update); unset: a post. */
  at?: SlackLocation;
  /** Set by `redeliver`: the horizon counts from then instead of from the request. */
  horizonFromMs?: number;
  attempts: number;
  firstAttemptAtMs?: number;
  lastReason?: string;
  /** An attempt may have landed: look before posting. */
  uncertain: boolean;
  cursor?: string;
  /** The oldest revision an attempt carried: a post found by the look-up may hold it rather than the newest. */
  oldestAttemptedRevision?: number;
}

/** Where Slack holds a key's message, and which revision. */
interface PostedRecord extends SlackLocation {
  key: string;
  revision: number;
}

/** Everything the outbox carries across continue-as-new. */
export interface OutboxState {
  queue: Pending[];
  undelivered: UndeliveredMessage[];
  /** Messages Slack holds, least recently touched first: edits and thread replies find their message here. */
  posted: PostedRecord[];
  delivered: number;
  edited: number;
  /** The earliest the next post / edit may go (epoch ms): each kind on its own pace, pushed back by retries. */
  nextPostAtMs?: number;
  nextEditAtMs?: number;
}

export interface OutboxInput {
  state?: OutboxState;
  /** Requests that came with the start (the first workflow to find no outbox starts it). */
  requests?: OutboxRequest[];
}

/**
 * The record of posted messages, bounded. An incident edits its root for up
 * to ~6 h and owns ~3 messages (root, details, recovered): 2,000 covers a
 * storm of several hundred pairs, and each entry is ~120 bytes in the
 * continue-as-new input. Requests may carry `posted` / `parent` too, so an
 * entry evicted anyway costs nothing but a record.
 */
export const POSTED_KEPT = 2_000;
const UNDELIVERED_KEPT = 1_000;
/** An outbox idle this long with nothing undelivered closes; one with undelivered messages stays (and wakes this often). */
export const IDLE_CLOSE_MS = 10 * 60_000;
/** Well below Temporal's limits: a few hundred messages per run. */
const HISTORY_EVENTS_PER_RUN = 3_000;

const { deliverMessage } = proxyActivities<Pick<Activities, 'deliverMessage'>>({
  // Three Slack calls at most (open, look-up, post), each bounded by the client's request timeout.
  startToCloseTimeout: '60s',
  heartbeatTimeout: '5s',
  // Only a crashed or stuck worker makes the activity fail; Slack's answers come back as values.
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 5 },
});

const { dmDeliverySettings } = proxyLocalActivities<Pick<Activities, 'dmDeliverySettings'>>({
  startToCloseTimeout: '10s',
  retry: { maximumAttempts: 10 },
});

/**
 * The operator's DM outbox: one per deployment, long-lived, one Slack call
 * at a time. Posts (revision 0, optionally as thread replies) at the
 * channel's pace, edits (higher revisions of posted messages) at
 * chat.update's; coalesces queued revisions of one key; puts urgent requests
 * first; retries through outages until each message's horizon, checks Slack
 * before re-posting whatever may have landed, and reports which revision
 * Slack holds to whoever asked. Gives a message up only past its horizon (or
 * when Slack refuses it for good), loudly; those stay listed until `redeliver`.
 */
export async function probeOutboxWorkflow(input: OutboxInput = {}): Promise<void> {
  const state: OutboxState = input.state ?? { queue: [], undelivered: [], posted: [], delivered: 0, edited: 0 };
  let changes = 0;
  for (const request of input.requests ?? []) accept(state, request);
  setHandler(enqueueMessageSignal, async (request) => {
    changes += 1;
    const answer = accept(state, request);
    if (answer) await report(request.reportTo, answer);
  });
  setHandler(getOutboxQuery, (): OutboxView => view(state));
  setHandler(redeliverUpdate, () => {
    changes += 1;
    const requeued = state.undelivered.splice(0);
    for (const { reason: _reason, gaveUpAtMs: _at, uncertain, posted, ...request } of requeued) {
      state.queue.push({ ...request, ...(posted ? { posted, at: posted } : {}), horizonFromMs: Date.now(), attempts: 0, uncertain });
    }
    return { requeued: requeued.length };
  });

  const { horizonMs } = await dmDeliverySettings();
  const rollOver = () => workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > HISTORY_EVENTS_PER_RUN;
  for (;;) {
    const busy = await condition(() => state.queue.length > 0 || rollOver(), IDLE_CLOSE_MS);
    if (rollOver()) break;
    if (busy) {
      const seen = changes;
      await step(state, horizonMs, () => changes !== seen);
    }
    // Idle with nothing to keep: close. The next request starts a new run (same ID); a racing signal fails this close and is handled.
    else if (state.undelivered.length === 0 && allHandlersFinished()) return;
  }
  await condition(allHandlersFinished);
  await continueAsNew<typeof probeOutboxWorkflow>({ state });
}

/**
 * Takes a request in. Answers at once (the report to send) when Slack already
 * holds that revision or newer, or when its message is listed undelivered.
 */
function accept(state: OutboxState, request: OutboxRequest): OutboxReport | undefined {
  const queued = state.queue.find((p) => p.key === request.key);
  if (queued) {
    if (request.revision <= queued.revision) return undefined;
    // Coalesce: the newest revision is what goes out, once.
    queued.revision = request.revision;
    queued.message = request.message;
    queued.reportTo = request.reportTo ?? queued.reportTo;
    queued.posted ??= request.posted;
    if (request.urgent && !queued.urgent) {
      // The same object: an attempt in flight still finds it.
      queued.urgent = true;
      state.queue.splice(state.queue.indexOf(queued), 1);
      enqueue(state, queued);
    }
    return undefined;
  }
  const listed = state.undelivered.find((u) => u.key === request.key);
  if (listed) {
    if (request.revision <= listed.revision) return undefined;
    // Still undelivered: the listed content becomes the newest, for `redeliver`.
    listed.revision = request.revision;
    listed.message = request.message;
    listed.reportTo = request.reportTo ?? listed.reportTo;
    return { key: request.key, revision: request.revision, delivered: false, reason: listed.reason, atMs: Date.now() };
  }
  const held = recordOf(state, request.key);
  if (held && request.revision <= held.revision) {
    return { key: request.key, revision: held.revision, delivered: true, channel: held.channel, ts: held.ts, deliveredAtMs: Date.now(), lateMs: 0, alreadyPosted: true };
  }
  const at = held ?? (request.revision > 0 ? request.posted : undefined);
  enqueue(state, { ...request, ...(at ? { at: { channel: at.channel, ts: at.ts } } : {}), attempts: 0, uncertain: false });
  return undefined;
}

/** Urgent requests go ahead of everything not urgent (and after earlier urgent ones). */
function enqueue(state: OutboxState, item: Pending): void {
  if (!item.urgent) {
    state.queue.push(item);
    return;
  }
  const firstPlain = state.queue.findIndex((p) => !p.urgent);
  state.queue.splice(firstPlain === -1 ? state.queue.length : firstPlain, 0, item);
}

/** Where a thread reply's parent is, or why it can never be known. */
type Parent = { kind: 'at'; at: SlackLocation } | { kind: 'waiting' } | { kind: 'lost'; reason: string };

function parentOf(state: OutboxState, item: Pending): Parent | undefined {
  if (!item.threadOf || item.at) return undefined;
  const held = recordOf(state, item.threadOf);
  if (held) return { kind: 'at', at: { channel: held.channel, ts: held.ts } };
  if (item.parent) return { kind: 'at', at: item.parent };
  if (state.queue.some((p) => p.key === item.threadOf)) return { kind: 'waiting' };
  const listed = state.undelivered.find((u) => u.key === item.threadOf);
  if (listed) return { kind: 'lost', reason: `thread_parent_undelivered:${listed.reason}` };
  return { kind: 'lost', reason: 'thread_parent_unknown' };
}

/** One Slack call: the queued message whose pace comes first (urgent ones lead), then what its answer calls for. */
async function step(state: OutboxState, horizonMs: number, changed: () => boolean): Promise<void> {
  const now = Date.now();
  // Settle what can never go: past its horizon, or a thread reply whose parent was given up.
  for (const item of [...state.queue]) {
    const parent = parentOf(state, item);
    if (parent?.kind === 'lost') await giveUp(state, item, parent.reason);
    else if (now >= deadlineOf(item, horizonMs)) await giveUp(state, item, `past_horizon:${item.lastReason ?? 'none'}`);
  }
  let next: { item: Pending; atMs: number } | undefined;
  for (const item of state.queue) {
    if (parentOf(state, item)?.kind === 'waiting') continue;
    const atMs = (item.at ? state.nextEditAtMs : state.nextPostAtMs) ?? 0;
    if (!next || atMs < next.atMs) next = { item, atMs };
  }
  if (!next) {
    // Only replies whose parents wait behind them (a loop of threadOf): wait for a change, or the horizon to settle them.
    await condition(changed, 60_000);
    return;
  }
  if (next.atMs > now) {
    // Wait for the pace; a new request (an urgent one, say) may change what goes next.
    await condition(changed, next.atMs - now);
    return;
  }
  await deliver(state, next.item, horizonMs);
}

function deadlineOf(item: Pending, horizonMs: number): number {
  return (item.horizonFromMs ?? item.requestedAtMs) + horizonMs;
}

async function deliver(state: OutboxState, item: Pending, horizonMs: number): Promise<void> {
  const attemptAtMs = Date.now();
  item.firstAttemptAtMs ??= attemptAtMs;
  const lateMs = attemptAtMs - item.requestedAtMs;
  const edit = item.at;
  const revision = item.revision;
  if (!edit) item.oldestAttemptedRevision = Math.min(item.oldestAttemptedRevision ?? revision, revision);
  const result = await attempt(state, item, lateMs);
  // Slack counts calls as they arrive: pace from when this one was sent, not from when its answer came back.
  if (result.kind !== 'notConfigured') {
    if (edit) state.nextEditAtMs = attemptAtMs + EDIT_INTERVAL_MS;
    else state.nextPostAtMs = attemptAtMs + CHANNEL_POST_INTERVAL_MS;
  }

  switch (result.kind) {
    case 'posted':
    case 'updated': {
      // A post found by the look-up may hold any revision an attempt carried: report the oldest, edit to the newest.
      const held = result.kind === 'posted' && result.alreadyPosted ? (item.oldestAttemptedRevision ?? revision) : revision;
      remember(state, { key: item.key, channel: result.channel, ts: result.ts, revision: held });
      if (result.kind === 'posted') {
        state.delivered += 1;
        metrics.dmDelivered(lateMs);
      } else state.edited += 1;
      const alreadyPosted = result.kind === 'posted' && result.alreadyPosted;
      const newer = item.revision > held;
      if (newer) {
        // Newer content arrived meanwhile (or the found post may be older): it goes out as an edit.
        Object.assign(item, { at: { channel: result.channel, ts: result.ts }, attempts: 0, uncertain: false, cursor: undefined, lastReason: undefined });
      } else removeFromQueue(state, item);
      await report(item.reportTo, { key: item.key, revision: held, delivered: true, ts: result.ts, channel: result.channel, deliveredAtMs: Date.now(), lateMs, alreadyPosted });
      return;
    }
    case 'notConfigured':
      // Nothing to deliver to: the requester records why; doctor names the missing setting.
      removeFromQueue(state, item);
      await report(item.reportTo, { key: item.key, revision: item.revision, delivered: false, reason: result.reason, atMs: Date.now() });
      return;
    case 'refused':
      return giveUp(state, item, `slack_error:${result.reason}`);
    case 'retry': {
      item.attempts += 1;
      item.lastReason = result.reason;
      item.uncertain ||= result.uncertain;
      item.cursor = result.cursor;
      const delayMs = retryDelayMs(item.attempts, result.retryAfterMs);
      if (Date.now() + delayMs >= deadlineOf(item, horizonMs)) return giveUp(state, item, `past_horizon:${result.reason}`);
      // The method's limit or Slack's outage holds every call of this kind back, not only this one.
      if (edit) state.nextEditAtMs = Math.max(state.nextEditAtMs ?? 0, Date.now() + delayMs);
      else state.nextPostAtMs = Math.max(state.nextPostAtMs ?? 0, Date.now() + delayMs);
      return;
    }
  }
}

async function attempt(state: OutboxState, item: Pending, lateMs: number): Promise<DeliverMessageResult> {
  try {
    if (item.at) return await deliverMessage({ action: 'update', key: item.key, message: item.message, at: item.at });
    const parent = parentOf(state, item);
    return await deliverMessage({
      action: 'post',
      key: item.key,
      message: messageWithLateness(item.message, lateMs),
      ...(parent?.kind === 'at' ? { thread: parent.at } : {}),
      checkFirst: item.uncertain,
      checkSinceMs: item.firstAttemptAtMs ?? item.requestedAtMs,
      cursor: item.cursor,
    });
  } catch (err) {
    // The activity died (worker crashes, timeouts) more often than it retries by itself: it may have posted.
    log.warn('Slack delivery attempt failed; retrying', { key: item.key, error: String(err) });
    return { kind: 'retry', reason: 'activity_failed', uncertain: !item.at };
  }
}

/** Loud on purpose: a metric, an error-level log line, and the message listed until `redeliver`. */
async function giveUp(state: OutboxState, item: Pending, reason: string): Promise<void> {
  if (!removeFromQueue(state, item)) return;
  const { at, horizonFromMs: _h, attempts, firstAttemptAtMs: _f, lastReason: _l, uncertain, cursor: _c, oldestAttemptedRevision: _o, ...request } = item;
  state.undelivered = [...state.undelivered, { ...request, ...(at ? { posted: at } : {}), reason, gaveUpAtMs: Date.now(), uncertain }].slice(-UNDELIVERED_KEPT);
  metrics.dmUndelivered(reason);
  log.error('Slack message not delivered; listed by `probe-wake status`, sent again by `probe-wake redeliver`', { key: item.key, revision: item.revision, reason, attempts });
  await report(item.reportTo, { key: item.key, revision: item.revision, delivered: false, reason, atMs: Date.now() });
}

function removeFromQueue(state: OutboxState, item: Pending): boolean {
  const index = state.queue.indexOf(item);
  if (index === -1) return false;
  state.queue.splice(index, 1);
  return true;
}

function recordOf(state: OutboxState, key: string): PostedRecord | undefined {
  return state.posted.find((p) => p.key === key);
}

/** Newest touch last; the least recently touched fall off past POSTED_KEPT. */
function remember(state: OutboxState, record: PostedRecord): void {
  state.posted = [...state.posted.filter((p) => p.key !== record.key), record].slice(-POSTED_KEPT);
}

/** Best effort: a requester that already ended (say, a redelivered message's) cannot hear it. */
async function report(reportTo: string | undefined, outboxReport: OutboxReport): Promise<void> {
  if (!reportTo) return;
  try {
    await getExternalWorkflowHandle(reportTo).signal(messageReportSignal, outboxReport);
  } catch (err) {
    log.info('could not report a message to its requester', { key: outboxReport.key, reportTo, error: String(err) });
  }
}

function view(state: OutboxState): OutboxView {
  const retrying = state.queue.find((p) => p.attempts > 0);
  return {
    queued: state.queue.length,
    oldestQueuedAtMs: state.queue.length > 0 ? Math.min(...state.queue.map((p) => p.requestedAtMs)) : undefined,
    retrying: retrying ? { key: retrying.key, attempts: retrying.attempts, lastReason: retrying.lastReason ?? '' } : undefined,
    delivered: state.delivered,
    edited: state.edited,
    undelivered: state.undelivered,
  };
}
