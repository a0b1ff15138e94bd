import { Context, log } from '@temporalio/activity';
import { ErrorCode, LogLevel, WebClient, type KnownBlock, type WebAPICallError } from '@slack/web-api';
import { startHeartbeating } from './heartbeat';

export interface SlackSettings {
  botToken?: string;
  operatorUserId?: string;
  apiUrl?: string;
  requestTimeoutMs: number;
}

/** A message as Slack takes it (the api's SlackMessage; activities keep their own input types). */
export interface MessageContent {
  text: string;
  blocks?: Array<Record<string, unknown>>;
}

export interface Location {
  channel: string;
  ts: string;
}

/** One Slack call's worth of work: a post (top-level or a thread reply), or an edit. Values in, values out. */
export type DeliverMessageInput =
  | {
      action: 'post';
      /** The message's identity, stamped on it as metadata (the look-up before a re-post finds it by this). */
      key: string;
      message: MessageContent;
      /** Reply in the thread of this message; absent: a top-level message in the operator's DM. */
      thread?: Location;
      /**
       * Look before posting: an earlier attempt may have reached Slack without
       * its answer reaching us. Also on every activity retry.
       */
      checkFirst: boolean;
      /** The look-up reads messages newer than this (epoch ms): when the first uncertain attempt began. */
      checkSinceMs: number;
      /** Where the previous look-up stopped (Slack's cursor), when it had more pages than one call may read. */
      cursor?: string;
    }
  | { action: 'update'; key: string; message: MessageContent; at: Location };

/**
 * What one attempt came to. Only a crash or a bug throws; every answer from
 * Slack is a value, so the outbox owns retries, pacing and the horizon.
 */
export type DeliverMessageResult =
  | { kind: 'posted'; channel: string; ts: string; alreadyPosted: boolean }
  | { kind: 'updated'; channel: string; ts: string }
  /** Try again later; `uncertain`: the message may have been posted (check first next time). */
  | { kind: 'retry'; reason: string; retryAfterMs?: number; uncertain: boolean; cursor?: string }
  /** Slack refused for good (bad token, unknown channel, invalid blocks...): retrying cannot help. */
  | { kind: 'refused'; reason: string }
  | { kind: 'notConfigured'; reason: 'slack_token_missing' | 'slack_operator_missing' };

export const DM_METADATA_EVENT = 'probe_wake_dm';

/**
 * Slack `ok:false` errors worth retrying. Value: whether the message may have
 * been posted anyway ("It's possible some aspect of the operation succeeded",
 * internal_error / fatal_error). Everything else is refused for good, among
 * them invalid_blocks, msg_too_long, msg_blocks_too_long, invalid_metadata_format,
 * channel_not_found, not_in_channel, invalid_auth, and, for a thread reply,
 * thread_not_found (https://docs.slack.dev/reference/methods/chat.postMessage, errors);
 * for chat.update message_not_found, cant_update_message, edit_window_closed,
 * no_text, block_mismatch (https://docs.slack.dev/reference/methods/chat.update, errors).
 */
const TRANSIENT_PLATFORM_ERRORS = new Map<string, boolean>([
  ['ratelimited', false],
  ['rate_limited', false],
  ['message_limit_exceeded', false],
  ['service_unavailable', false],
  ['team_added_to_org', false],
  // chat.update: "The channel is in the process of migrating"; "Internal update failure".
  ['external_channel_migrating', false],
  ['update_failed', true],
  ['internal_error', true],
  ['fatal_error', true],
  ['request_timeout', true],
]);

/**
 * conversations.history and conversations.replies for non-Marketplace apps: 1
 * call a minute, at most 15 messages a call
 * (https://docs.slack.dev/reference/methods/conversations.history,
 * https://docs.slack.dev/reference/methods/conversations.replies).
 */
export const HISTORY_PAGE_LIMIT = 15;
/** And one call a minute: a look-up that hit the limit without an answer waits this long when Slack gave no Retry-After. */
const HISTORY_WAIT_MS = 60_000;
/** Slack's and Temporal's clocks may disagree a little: the look-up starts this long before the first uncertain attempt. */
const HISTORY_CLOCK_MARGIN_SECONDS = 120;

/**
 * Posts (opening the DM with the operator, or replying in a thread) or edits
 * one message, checking first when an earlier post may have landed.
 */
export function createDeliverMessage(settings: SlackSettings) {
  // One client for the worker's life: its connections are kept alive and reused across messages.
  let shared: WebClient | undefined;
  return async function deliverMessage(input: DeliverMessageInput): Promise<DeliverMessageResult> {
    if (!settings.botToken) return { kind: 'notConfigured', reason: 'slack_token_missing' };
    if (!settings.operatorUserId) return { kind: 'notConfigured', reason: 'slack_operator_missing' };
    const slack = (shared ??= new WebClient(settings.botToken, {
      slackApiUrl: settings.apiUrl,
      retryConfig: { retries: 0 }, // no idempotency key: the outbox owns retries
      rejectRateLimitedCalls: true,
      timeout: settings.requestTimeoutMs,
      logLevel: LogLevel.ERROR,
    }));
    const stopHeartbeating = startHeartbeating();
    try {
      return input.action === 'update' ? await update(slack, input) : await post(slack, settings.operatorUserId, input);
    } finally {
      stopHeartbeating();
    }
  };
}

async function update(slack: WebClient, input: Extract<DeliverMessageInput, { action: 'update' }>): Promise<DeliverMessageResult> {
  try {
    // Omitted blocks would keep the old ones (chat.update docs): an empty list clears them.
    const updated = await slack.chat.update({ channel: input.at.channel, ts: input.at.ts, text: input.message.text, blocks: (input.message.blocks ?? []) as unknown as KnownBlock[] });
    return { kind: 'updated', channel: updated.channel ?? input.at.channel, ts: updated.ts ?? input.at.ts };
  } catch (err) {
    // An edit is idempotent: whether an earlier one landed does not matter.
    const result = classify(err, false);
    log.warn('Slack edit attempt failed', { kind: result.kind, reason: result.reason });
    return result;
  }
}

async function post(slack: WebClient, operatorUserId: string, input: Extract<DeliverMessageInput, { action: 'post' }>): Promise<DeliverMessageResult> {
  // A retry of this activity means an attempt died mid-way: it may have posted.
  const checkFirst = input.checkFirst || Context.current().info.attempt > 1;
  let stage: 'open' | 'check' | 'post' = 'open';
  try {
    let channel = input.thread?.channel;
    if (!channel) {
      const opened = await slack.conversations.open({ users: operatorUserId });
      channel = opened.channel?.id;
      if (!channel) return { kind: 'retry', reason: 'no_channel', uncertain: checkFirst };
    }
    if (checkFirst) {
      stage = 'check';
      const found = await findEarlierPost(slack, channel, input);
      if (found.ts) return { kind: 'posted', channel, ts: found.ts, alreadyPosted: true };
      if (found.cursor) return { kind: 'retry', reason: 'history_has_more', retryAfterMs: HISTORY_WAIT_MS, uncertain: true, cursor: found.cursor };
    }
    stage = 'post';
    const posted = await slack.chat.postMessage({
      channel,
      text: input.message.text,
      ...(input.message.blocks ? { blocks: input.message.blocks as unknown as KnownBlock[] } : {}),
      ...(input.thread ? { thread_ts: input.thread.ts } : {}),
      unfurl_links: false,
      unfurl_media: false,
      metadata: { event_type: DM_METADATA_EVENT, event_payload: { key: input.key } },
    });
    return { kind: 'posted', channel: posted.channel ?? channel, ts: posted.ts ?? '', alreadyPosted: false };
  } catch (err) {
    const result = classify(err, stage === 'post');
    // Before the post, nothing new can have landed: only an earlier uncertainty stands.
    if (result.kind === 'retry') {
      result.uncertain = stage === 'post' ? result.uncertain : checkFirst;
      if (stage === 'check' && result.retryAfterMs === undefined && result.reason === 'ratelimited') result.retryAfterMs = HISTORY_WAIT_MS;
      if (stage === 'check') result.cursor = input.cursor;
    }
    log.warn('Slack delivery attempt failed', { stage, kind: result.kind, reason: result.reason });
    return result;
  }
}

/**
 * One look-up call (1 a minute, 15 messages): conversations.history for a
 * top-level message, conversations.replies (the thread) for a reply. The
 * outbox posts one message at a time, so the earlier attempt's message, if it
 * landed, is among the newest since `checkSinceMs`. When the page has more
 * and ours is not on it, the cursor goes back for the next call a minute on.
 */
async function findEarlierPost(slack: WebClient, channel: string, input: Extract<DeliverMessageInput, { action: 'post' }>): Promise<{ ts?: string; cursor?: string }> {
  const oldest = String(Math.max(0, Math.floor(input.checkSinceMs / 1000) - HISTORY_CLOCK_MARGIN_SECONDS));
  const page = { channel, oldest, limit: HISTORY_PAGE_LIMIT, include_all_metadata: true, ...(input.cursor ? { cursor: input.cursor } : {}) };
  const found = input.thread ? await slack.conversations.replies({ ...page, ts: input.thread.ts }) : await slack.conversations.history(page);
  const match = found.messages?.find(
    (message) =>
      message.metadata?.event_type === DM_METADATA_EVENT && (message.metadata.event_payload as { key?: unknown } | undefined)?.key === input.key,
  );
  if (match?.ts) return { ts: match.ts };
  const next = found.has_more ? found.response_metadata?.next_cursor : undefined;
  return next ? { cursor: next } : {};
}

/** Slack's answer as a result; `posting`: the failed call was the post itself. */
function classify(err: unknown, posting: boolean): Extract<DeliverMessageResult, { kind: 'retry' | 'refused' }> {
  const coded = err as Partial<WebAPICallError> & { code?: string };
  switch (coded.code) {
    case ErrorCode.RateLimitedError: {
      // HTTP 429 + Retry-After (https://docs.slack.dev/apis/web-api/rate-limits): nothing was posted.
      const retryAfter = (err as { retryAfter?: number }).retryAfter;
      return { kind: 'retry', reason: 'ratelimited', retryAfterMs: retryAfter !== undefined ? retryAfter * 1000 : undefined, uncertain: false };
    }
    case ErrorCode.PlatformError: {
      const code = String((err as { data?: { error?: string } }).data?.error ?? 'unknown_error');
      const maybePosted = TRANSIENT_PLATFORM_ERRORS.get(code);
      if (maybePosted === undefined) return { kind: 'refused', reason: code };
      return { kind: 'retry', reason: code, uncertain: posting && maybePosted };
    }
    case ErrorCode.HTTPError: {
      const status = (err as { statusCode?: number }).statusCode ?? 0;
      // 5xx: Slack or a proxy in front of it failed; whether the post landed is unknown.
      if (status >= 500 || status === 408) return { kind: 'retry', reason: `http_${status}`, uncertain: posting };
      return { kind: 'refused', reason: `http_${status}` };
    }
    default: {
      // A request error: refused connections never reached Slack; timeouts and resets may have.
      const original = (err as { original?: { code?: string; cause?: { code?: string } } }).original;
      const errno = original?.cause?.code ?? original?.code;
      if (errno === 'ECONNREFUSED') return { kind: 'retry', reason: 'connection_refused', uncertain: false };
      return { kind: 'retry', reason: 'request_error', uncertain: posting };
    }
  }
}

/** The delivery settings the outbox needs from the worker's configuration. */
export function createDmDeliverySettings(horizonMs: number) {
  return async function dmDeliverySettings(): Promise<{ horizonMs: number }> {
    return { horizonMs };
  };
}
