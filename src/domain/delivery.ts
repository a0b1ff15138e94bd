/**
 * Rules of DM delivery through the outbox: pacing, backoff, the horizon and
 * the late note. Pure: no Temporal, no I/O.
 */

import { formatDuration } from './durations';

/** Slack posts about one message a second per channel (https://docs.slack.dev/apis/web-api/rate-limits). */
export const CHANNEL_POST_INTERVAL_MS = 1_000;
/** First retry after a transient failure with no Retry-After; doubles per attempt. */
export const RETRY_INITIAL_MS = 1_000;
/** Backoff stops growing here, so a DM goes out within a few minutes of Slack coming back. */
export const RETRY_MAX_INTERVAL_MS = 3 * 60_000;
/** A DM delivered this long after it was written says so. */
export const LATE_AFTER_MS = 5 * 60_000;
export const DEFAULT_DELIVERY_HORIZON_MS = 24 * 3_600_000;

/** Wait before the next attempt: Slack's Retry-After when it gave one, else capped exponential backoff. */
export function retryDelayMs(failedAttempts: number, retryAfterMs?: number): number {
  if (retryAfterMs !== undefined && retryAfterMs > 0) return Math.min(retryAfterMs, RETRY_MAX_INTERVAL_MS);
  const exponent = Math.max(0, failedAttempts - 1);
  return Math.min(RETRY_INITIAL_MS * 2 ** Math.min(exponent, 20), RETRY_MAX_INTERVAL_MS);
}

/** When the next post to the channel may go out, given the last one. */
export function nextPostAtMs(lastPostAtMs: number | undefined): number {
  return lastPostAtMs === undefined ? 0 : lastPostAtMs + CHANNEL_POST_INTERVAL_MS;
}

/** The DM as posted: a late one opens with how late it is. */
export function textWithLateness(text: string, lateMs: number): string {
  if (lateMs < LATE_AFTER_MS) return text;
  return `⏱ Delivered ${formatDuration(lateMs)} late: Slack could not take it when it was written.\n${text}`;
}

/**
 * chat.update is a Tier 3 method, 50+ calls a minute
 * (https://docs.slack.dev/reference/methods/chat.update, https://docs.slack.dev/apis/web-api/rate-limits):
 * edits go out at most this often, on their own pace beside the posts'.
 */
export const EDIT_INTERVAL_MS = 1_200;

/** A message's content as Slack takes it: `text` is the fallback, `blocks` the layout. */
export interface MessageContent {
  text: string;
  blocks?: Array<Record<string, unknown>>;
}

/** Slack shows at most 50 blocks in a message (https://docs.slack.dev/reference/block-kit/blocks). */
export const MAX_BLOCKS = 50;

/**
 * The message as posted: a late one says so in its notification text and,
 * when it has blocks, in a context block on top (unless it already holds the
 * 50 Slack allows).
 */
export function messageWithLateness<M extends MessageContent>(message: M, lateMs: number): M {
  if (lateMs < LATE_AFTER_MS) return message;
  const text = textWithLateness(message.text, lateMs);
  if (!message.blocks || message.blocks.length >= MAX_BLOCKS) return { ...message, text };
  const note = { type: 'context', elements: [{ type: 'plain_text', text: `⏱ Delivered ${formatDuration(lateMs)} late: Slack could not take it when it was written.` }] };
  return { ...message, text, blocks: [note, ...message.blocks] };
}
