import { Context, log } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { ErrorCode, LogLevel, WebClient, type WebAPICallError } from '@slack/web-api';
import { FailureType } from '../domain/failures';
import { retryAfterFailure } from './retryAfterFailure';
import { startHeartbeating } from './heartbeat';

export interface SlackSettings {
  botToken?: string;
  operatorUserId?: string;
  apiUrl?: string;
  requestTimeoutMs: number;
}

export interface PostDmInput {
  text: string;
  /** Stamped on the message as metadata so a retry can tell the DM was already posted. */
  workflowId: string;
}

export interface PostDmResult {
  channel: string;
  ts: string;
  /** True when a retry found the message an earlier attempt had already posted. */
  alreadyPosted: boolean;
}

export const DM_METADATA_EVENT = 'probe_wake_dm';

/** Slack `ok:false` errors worth retrying; every other platform error is permanent. */
const TRANSIENT_PLATFORM_ERRORS = new Set(['ratelimited', 'internal_error', 'fatal_error', 'service_unavailable', 'request_timeout']);

/** Opens the DM with the operator and posts the text. Throws typed failures; the workflow owns retries. */
export function createPostDm(settings: SlackSettings) {
  // One client for the worker's life: its connections are kept alive and reused across DMs.
  let shared: WebClient | undefined;
  return async function postDm({ text, workflowId }: PostDmInput): Promise<PostDmResult> {
    if (!settings.botToken) throw notConfigured('slack_token_missing', 'SLACK_BOT_TOKEN is not set');
    if (!settings.operatorUserId) throw notConfigured('slack_operator_missing', 'SLACK_OPERATOR_USER_ID is not set');

    const slack = (shared ??= new WebClient(settings.botToken, {
      slackApiUrl: settings.apiUrl,
      retryConfig: { retries: 0 }, // no idempotency key: Temporal owns retries and knows the attempt
      rejectRateLimitedCalls: true,
      timeout: settings.requestTimeoutMs,
      logLevel: LogLevel.ERROR,
    }));
    const stopHeartbeating = startHeartbeating();
    try {
      const opened = await slack.conversations.open({ users: settings.operatorUserId });
      const channel = opened.channel?.id;
      if (!channel) throw ApplicationFailure.create({ type: FailureType.slackTransient, message: 'conversations.open returned no channel', details: ['no_channel'] });

      if (Context.current().info.attempt > 1) {
        const earlier = await findEarlierPost(slack, channel, workflowId, Context.current().info.scheduledTimestampMs);
        if (earlier) return { channel, ts: earlier, alreadyPosted: true };
      }
      const posted = await slack.chat.postMessage({
        channel,
        text,
        unfurl_links: false,
        unfurl_media: false,
        metadata: { event_type: DM_METADATA_EVENT, event_payload: { workflow_id: workflowId } },
      });
      return { channel, ts: posted.ts ?? '', alreadyPosted: false };
    } catch (err) {
      throw toFailure(err);
    } finally {
      stopHeartbeating();
    }
  };
}

/** Slack's and Temporal's clocks may disagree a little: the look-up starts this long before the first attempt. */
const HISTORY_CLOCK_MARGIN_SECONDS = 300;
/** Enough for every message in the DM since the first attempt, even after a storm of DMs. */
const HISTORY_LIMIT = 200;

/**
 * Only on retries: conversations.history is rate limited to about one call a
 * minute for unlisted apps. A failed look-up falls through to posting, since a
 * duplicate DM is better than a lost one.
 */
async function findEarlierPost(slack: WebClient, channel: string, workflowId: string, firstAttemptMs: number): Promise<string | undefined> {
  const oldest = String(Math.max(0, Math.floor(firstAttemptMs / 1000) - HISTORY_CLOCK_MARGIN_SECONDS));
  try {
    const history = await slack.conversations.history({ channel, oldest, limit: HISTORY_LIMIT, include_all_metadata: true });
    const match = history.messages?.find(
      (message) =>
        message.metadata?.event_type === DM_METADATA_EVENT &&
        (message.metadata.event_payload as { workflow_id?: unknown } | undefined)?.workflow_id === workflowId,
    );
    return match?.ts;
  } catch (err) {
    log.warn('could not check for an earlier DM; posting', { error: describe(err) });
    return undefined;
  }
}

function notConfigured(reason: string, message: string): ApplicationFailure {
  return ApplicationFailure.create({ type: FailureType.slackNotConfigured, message, details: [reason] });
}

function toFailure(err: unknown): ApplicationFailure {
  if (err instanceof ApplicationFailure) return err;
  const coded = err as Partial<WebAPICallError> & { code?: string };
  switch (coded.code) {
    case ErrorCode.RateLimitedError: {
      const retryAfter = (err as { retryAfter?: number }).retryAfter;
      return retryAfterFailure(`Slack rate limited (retry after ${retryAfter}s)`, FailureType.slackTransient, retryAfter, ['ratelimited']);
    }
    case ErrorCode.PlatformError: {
      const code = String((err as { data?: { error?: string } }).data?.error ?? 'unknown_error');
      const type = TRANSIENT_PLATFORM_ERRORS.has(code) ? FailureType.slackTransient : FailureType.slackPermanent;
      return ApplicationFailure.create({ type, message: `Slack answered ok:false, error=${code}`, details: [code] });
    }
    case ErrorCode.HTTPError: {
      const status = (err as { statusCode?: number }).statusCode ?? 0;
      const type = status >= 500 || status === 408 ? FailureType.slackTransient : FailureType.slackPermanent;
      return ApplicationFailure.create({ type, message: `Slack HTTP ${status}`, details: [`http_${status}`] });
    }
    default:
      return ApplicationFailure.create({ type: FailureType.slackTransient, message: `Slack request failed: ${describe(err)}`, details: ['request_error'] });
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
