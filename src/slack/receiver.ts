import { App, HTTPReceiver, SocketModeReceiver, type BlockAction, type ButtonAction, type Receiver } from '@slack/bolt';
import type { Logger } from 'pino';
import type { SlackActionSettings } from '../config/config';
import { BoltPinoLogger } from './boltLogger';
import { handleClick } from './clickHandler';
import type { OperatorActionDispatcher } from './dispatcher';

/** Every button of ours: `probe_wake.ack`, `probe_wake.snooze.1h`, ... (domain/slackActions.ts). */
const OUR_ACTIONS = /^probe_wake\./;

export interface SlackReceiver {
  /** `socket` or `http://host:port/slack/events`. */
  readonly listening: string;
  stop(): Promise<void>;
}

export class SlackReceiverError extends Error {
  override name = 'SlackReceiverError';
}

export interface SlackReceiverDeps {
  dispatcher: OperatorActionDispatcher;
  log: Logger;
  /** SLACK_API_URL: where the Socket Mode client calls apps.connections.open (tests: a local fake). */
  slackApiUrl?: string;
}

/**
 * Receives Slack's interaction requests with Bolt, in Socket Mode (app token) or over HTTP (signing
 * secret; Bolt verifies X-Slack-Signature and X-Slack-Request-Timestamp and answers 401 before parsing).
 * Undefined when neither is configured. Holds no state of its own: several workers may run one each.
 */
export async function startSlackReceiver(settings: SlackActionSettings, deps: SlackReceiverDeps): Promise<SlackReceiver | undefined> {
  if (settings.mode === 'off') return undefined;
  const log = deps.log.child({ component: 'slack-receiver', mode: settings.mode });
  const boltLogger = new BoltPinoLogger(log);
  const receiver: Receiver =
    settings.mode === 'socket'
      ? new SocketModeReceiver({
          appToken: settings.appToken,
          logger: boltLogger,
          installerOptions: { clientOptions: deps.slackApiUrl ? { slackApiUrl: deps.slackApiUrl } : {} },
        })
      : new HTTPReceiver({ signingSecret: settings.signingSecret, logger: boltLogger });
  const app = new App({
    receiver,
    logger: boltLogger,
    // Clicks need no bot token: ack() answers the request and respond() posts to its response_url.
    authorize: async () => ({}),
    ignoreSelf: false,
    // Bolt's default conversation store keeps state in memory; nothing here needs it.
    convoStore: false,
  });
  const actors = new Set(settings.actors);
  app.action<BlockAction<ButtonAction>>(OUR_ACTIONS, async ({ ack, body, action, respond }) => {
    // Within Slack's 3 s, before anything slow (https://docs.slack.dev/interactivity/handling-user-interaction).
    await ack();
    let reply: string;
    try {
      reply = await handleClick(
        { actionId: action.action_id, value: action.value, actionTs: action.action_ts, userId: body.user?.id },
        { actors, dispatcher: deps.dispatcher, log },
      );
    } catch (err) {
      // Temporal unreachable, say: the click's identity makes trying again safe.
      log.error({ user: body.user?.id, actionId: action.action_id, err: err instanceof Error ? err.message : String(err) }, 'slack action failed');
      reply = 'probe-wake could not deliver this action (Temporal did not answer); clicking again is safe.';
    }
    await respond({ response_type: 'ephemeral', replace_original: false, text: reply });
  });
  app.error(async (err) => {
    log.error({ code: (err as { code?: string }).code, err: err.message }, 'slack listener failed');
  });

  if (settings.mode === 'socket') return connectSocketMode(app, log);
  try {
    await app.start({ port: settings.port, host: settings.host });
  } catch (err) {
    throw new SlackReceiverError(`Slack HTTP receiver could not listen on ${settings.host}:${settings.port}: ${describe(err)}`);
  }
  const listening = `http://${settings.host.includes(':') ? `[${settings.host}]` : settings.host}:${settings.port}/slack/events`;
  log.info({ listening }, 'slack receiver listening (HTTP)');
  return { listening, stop: () => app.stop().then(() => undefined) };
}

/** The apps.connections.open errors a retry cannot mend: a wrong or revoked token stops start-up. */
const AUTH_ERRORS = new Set(['not_authed', 'invalid_auth', 'account_inactive', 'token_revoked', 'not_allowed_token_type', 'team_disabled', 'user_removed_from_team']);
export const SOCKET_RETRY_MS = 30_000;

/**
 * A refused token stops start-up loudly; Slack unreachable does not stop the worker (its DMs go on):
 * it is logged and tried again every 30 s. Once connected, the Socket Mode client reconnects by itself.
 */
async function connectSocketMode(app: App, log: Logger): Promise<SlackReceiver> {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const attempt = async (): Promise<void> => {
    try {
      await app.start();
      log.info('slack receiver connected (Socket Mode)');
    } catch (err) {
      const reason = describe(err);
      if (AUTH_ERRORS.has(reason)) throw new SlackReceiverError(`Slack Socket Mode refused SLACK_APP_TOKEN: ${reason}`);
      log.error({ reason, retryInMs: SOCKET_RETRY_MS }, 'slack Socket Mode could not connect; trying again');
      if (!stopped) timer = setTimeout(() => void attempt().catch((e: Error) => log.error({ err: e.message }, 'slack Socket Mode gave up')), SOCKET_RETRY_MS);
    }
  };
  await attempt();
  return {
    listening: 'socket',
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await app.stop().catch(() => undefined);
    },
  };
}

/** A start failure in words, never with the request (it carries the token). */
function describe(err: unknown): string {
  const data = (err as { data?: { error?: unknown } } | null)?.data;
  if (typeof data?.error === 'string') return data.error;
  return err instanceof Error ? err.message : String(err);
}
