import {
  allHandlersFinished,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  log,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { PostDmResult } from '../activities/postDm';
import { nextPostAtMs, retryDelayMs, textWithLateness } from '../domain/delivery';
import * as metrics from './metrics';
import {
  dmReportSignal,
  enqueueDmSignal,
  getOutboxQuery,
  redeliverUpdate,
  type DmReport,
  type DmRequest,
  type OutboxView,
  type UndeliveredDm,
} from '../api';

/** A queued DM and how its delivery is going. */
interface Pending extends DmRequest {
  /** Set by `redeliver`: the horizon counts from then instead of from the request. */
  horizonFromMs?: number;
  attempts: number;
  firstAttemptAtMs?: number;
  lastReason?: string;
  /** An attempt may have landed: look before posting. */
  uncertain: boolean;
  cursor?: string;
}

interface Delivered {
  key: string;
  ts: string;
  channel: string;
}

/** Everything the outbox carries across continue-as-new. */
export interface OutboxState {
  queue: Pending[];
  undelivered: UndeliveredDm[];
  /** The newest deliveries, so a repeated request is answered without a second post. */
  recent: Delivered[];
  delivered: number;
  lastPostAtMs?: number;
}

export interface OutboxInput {
  state?: OutboxState;
  /** Requests that came with the start (the first investigation to find no outbox starts it). */
  requests?: DmRequest[];
}

const RECENT_KEPT = 200;
const UNDELIVERED_KEPT = 1_000;
/** An outbox idle this long with nothing undelivered closes; one with undelivered DMs stays (and wakes this often). */
export const IDLE_CLOSE_MS = 10 * 60_000;
/** Well below Temporal's limits: a few hundred DMs per run. */
const HISTORY_EVENTS_PER_RUN = 3_000;

const { postDm } = proxyActivities<Pick<Activities, 'postDm'>>({
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
 * The operator's DM outbox: one per deployment, long-lived. Posts one DM at a
 * time at the channel's pace, retries through outages until each DM's
 * horizon, checks the channel before re-posting whatever may have landed,
 * and reports each DM's fate to the investigation that asked. Gives a DM up
 * only past its horizon (or when Slack refuses it for good), loudly; those
 * stay listed until `redeliver`.
 */
export async function probeOutboxWorkflow(input: OutboxInput = {}): Promise<void> {
  const state: OutboxState = input.state ?? { queue: [], undelivered: [], recent: [], delivered: 0 };
  for (const request of input.requests ?? []) accept(state, request);
  setHandler(enqueueDmSignal, async (request) => {
    const done = state.recent.find((d) => d.key === request.key);
    if (done) await report({ key: request.key, delivered: true, ts: done.ts, channel: done.channel, deliveredAtMs: Date.now(), lateMs: 0, alreadyPosted: true });
    else accept(state, request);
  });
  setHandler(getOutboxQuery, (): OutboxView => view(state));
  setHandler(redeliverUpdate, () => {
    const requeued = state.undelivered.splice(0);
    for (const dm of requeued) {
      state.queue.push({ key: dm.key, text: dm.text, requestedAtMs: dm.requestedAtMs, horizonFromMs: Date.now(), attempts: 0, uncertain: dm.uncertain });
    }
    return { requeued: requeued.length };
  });

  const { horizonMs } = await dmDeliverySettings();
  const rollOver = () => workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > HISTORY_EVENTS_PER_RUN;
  for (;;) {
    const busy = await condition(() => state.queue.length > 0 || rollOver(), IDLE_CLOSE_MS);
    if (rollOver()) break;
    if (busy) await deliverHead(state, horizonMs);
    // Idle with nothing to keep: close. The next DM starts a new run (same ID); a racing signal fails this close and is handled.
    else if (state.undelivered.length === 0 && allHandlersFinished()) return;
  }
  await condition(allHandlersFinished);
  await continueAsNew<typeof probeOutboxWorkflow>({ state });
}

function accept(state: OutboxState, request: DmRequest): void {
  if (state.queue.some((p) => p.key === request.key) || state.undelivered.some((u) => u.key === request.key)) return;
  state.queue.push({ ...request, attempts: 0, uncertain: false });
}

/** One attempt at the head of the queue, then the wait its answer calls for. */
async function deliverHead(state: OutboxState, horizonMs: number): Promise<void> {
  const item = state.queue[0]!;
  const deadlineMs = (item.horizonFromMs ?? item.requestedAtMs) + horizonMs;
  if (Date.now() >= deadlineMs) return giveUp(state, item, `past_horizon:${item.lastReason ?? 'none'}`);

  const waitMs = nextPostAtMs(state.lastPostAtMs) - Date.now();
  if (waitMs > 0) await sleep(waitMs);
  const attemptAtMs = Date.now();
  item.firstAttemptAtMs ??= attemptAtMs;
  const lateMs = attemptAtMs - item.requestedAtMs;
  const result = await attempt(item, lateMs);
  // Slack counts posts as they arrive: pace from when this one was sent, not from when its answer came back.
  if (result.kind !== 'notConfigured') state.lastPostAtMs = attemptAtMs;

  switch (result.kind) {
    case 'posted': {
      state.queue.shift();
      state.delivered += 1;
      state.recent = [...state.recent, { key: item.key, ts: result.ts, channel: result.channel }].slice(-RECENT_KEPT);
      metrics.dmDelivered(lateMs);
      await report({ key: item.key, delivered: true, ts: result.ts, channel: result.channel, deliveredAtMs: Date.now(), lateMs, alreadyPosted: result.alreadyPosted });
      return;
    }
    case 'notConfigured':
      // Nothing to deliver to: the investigation records why; doctor names the missing setting.
      state.queue.shift();
      await report({ key: item.key, delivered: false, reason: result.reason, atMs: Date.now() });
      return;
    case 'refused':
      return giveUp(state, item, `slack_error:${result.reason}`);
    case 'retry': {
      item.attempts += 1;
      item.lastReason = result.reason;
      item.uncertain ||= result.uncertain;
      item.cursor = result.cursor;
      const delayMs = retryDelayMs(item.attempts, result.retryAfterMs);
      if (Date.now() + delayMs >= deadlineMs) return giveUp(state, item, `past_horizon:${result.reason}`);
      await sleep(delayMs);
      return;
    }
  }
}

async function attempt(item: Pending, lateMs: number): Promise<PostDmResult> {
  try {
    return await postDm({
      key: item.key,
      text: textWithLateness(item.text, lateMs),
      checkFirst: item.uncertain,
      checkSinceMs: item.firstAttemptAtMs ?? item.requestedAtMs,
      cursor: item.cursor,
    });
  } catch (err) {
    // The activity died (worker crashes, timeouts) more often than it retries by itself: it may have posted.
    log.warn('DM delivery attempt failed; retrying', { key: item.key, error: String(err) });
    return { kind: 'retry', reason: 'activity_failed', uncertain: true };
  }
}

/** Loud on purpose: a metric, an error-level log line, and the DM listed until `redeliver`. */
async function giveUp(state: OutboxState, item: Pending, reason: string): Promise<void> {
  state.queue.shift();
  state.undelivered = [
    ...state.undelivered,
    { key: item.key, text: item.text, requestedAtMs: item.requestedAtMs, reason, gaveUpAtMs: Date.now(), uncertain: item.uncertain },
  ].slice(-UNDELIVERED_KEPT);
  metrics.dmUndelivered(reason);
  log.error('DM not delivered; listed by `probe-wake status`, sent again by `probe-wake redeliver`', { key: item.key, reason, attempts: item.attempts });
  await report({ key: item.key, delivered: false, reason, atMs: Date.now() });
}

/** Best effort: an investigation that already ended (say, a redelivered DM's) cannot hear it. */
async function report(dmReport: DmReport): Promise<void> {
  try {
    await getExternalWorkflowHandle(dmReport.key).signal(dmReportSignal, dmReport);
  } catch (err) {
    log.info('could not report a DM to its investigation', { key: dmReport.key, error: String(err) });
  }
}

function view(state: OutboxState): OutboxView {
  const head = state.queue[0];
  return {
    queued: state.queue.length,
    oldestQueuedAtMs: head ? Math.min(...state.queue.map((p) => p.requestedAtMs)) : undefined,
    retrying: head && head.attempts > 0 ? { key: head.key, attempts: head.attempts, lastReason: head.lastReason ?? '' } : undefined,
    delivered: state.delivered,
    undelivered: state.undelivered,
  };
}
