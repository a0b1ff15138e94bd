import { FakeHttpServer, type Behaviour, type RecordedRequest } from './fakeHttp';

export const FAKE_DM_CHANNEL = 'D0FAKEDM';

export interface PostedDm {
  channel: string;
  text: string;
  ts: string;
  metadata?: { event_type?: string; event_payload?: Record<string, unknown> };
}

/**
 * Slack Web API stand-in under /api/: conversations.open, chat.postMessage
 * (scriptable), conversations.history (returns what was posted, with
 * metadata) and auth.test.
 */
export class FakeSlack extends FakeHttpServer {
  readonly posted: PostedDm[] = [];

  constructor() {
    super((path) => {
      const method = path.replace(/^.*\/api\//, '');
      switch (method) {
        case 'conversations.open':
          return (_req, scripted) => scripted ?? ok({ channel: { id: FAKE_DM_CHANNEL } });
        case 'chat.postMessage':
          return (req, scripted) => this.postMessage(req, scripted);
        case 'conversations.history':
          return (_req, scripted) => scripted ?? ok({ messages: [...this.posted].reverse().map((m) => ({ type: 'message', text: m.text, ts: m.ts, metadata: m.metadata })) });
        case 'auth.test':
          return (_req, scripted) => scripted ?? ok({ user_id: 'UBOT', team: 'fake' });
        default:
          return undefined;
      }
    });
  }

  /** The URL to give SLACK_API_URL (the WebClient appends method names to it). */
  apiUrl(base: string): string {
    return `${base}/api/`;
  }

  static platformError(error: string): Behaviour {
    return { kind: 'ok', body: { ok: false, error } };
  }

  static rateLimited(retryAfterSeconds: number): Behaviour {
    return { kind: 'status', status: 429, retryAfter: String(retryAfterSeconds), body: { ok: false, error: 'ratelimited' } };
  }

  override reset(): void {
    super.reset();
    this.posted.length = 0;
  }

  private postMessage(req: RecordedRequest, scripted: Behaviour | undefined): Behaviour {
    if (scripted) return scripted;
    const ts = `${Math.floor(Date.now() / 1000)}.${String(this.posted.length + 1).padStart(6, '0')}`;
    this.posted.push({
      channel: String(req.body.channel),
      text: String(req.body.text),
      ts,
      metadata: req.body.metadata as PostedDm['metadata'],
    });
    return ok({ channel: req.body.channel, ts });
  }
}

function ok(body: Record<string, unknown>): Behaviour {
  return { kind: 'ok', body: { ok: true, ...body } };
}
