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
  private holdsAfterAccepting = 0;

  constructor() {
    super((path) => {
      const method = path.replace(/^.*\/api\//, '');
      switch (method) {
        case 'conversations.open':
          return (_req, scripted) => scripted ?? ok({ channel: { id: FAKE_DM_CHANNEL } });
        case 'chat.postMessage':
          return (req, scripted) => this.postMessage(req, scripted);
        case 'conversations.history':
          return (req, scripted) => scripted ?? ok({ messages: this.history(req.body) });
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

  /** The next `count` posts are accepted (recorded in `posted`) but never answered, as when the caller dies. */
  holdPostsAfterAccepting(count: number): void {
    this.holdsAfterAccepting += count;
  }

  override reset(): void {
    super.reset();
    this.posted.length = 0;
    this.holdsAfterAccepting = 0;
  }

  /** Newest first, like Slack; `oldest` and `limit` honoured; metadata only with `include_all_metadata`. */
  private history(params: Record<string, unknown>) {
    const oldest = Number(params.oldest ?? 0);
    const limit = Number(params.limit ?? 100);
    const withMetadata = String(params.include_all_metadata) === 'true';
    return [...this.posted]
      .reverse()
      .filter((m) => Number(m.ts) > oldest)
      .slice(0, limit)
      .map((m) => ({ type: 'message', text: m.text, ts: m.ts, ...(withMetadata ? { metadata: m.metadata } : {}) }));
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
    if (this.holdsAfterAccepting > 0) {
      this.holdsAfterAccepting -= 1;
      return { kind: 'hold' };
    }
    return ok({ channel: req.body.channel, ts });
  }
}

function ok(body: Record<string, unknown>): Behaviour {
  return { kind: 'ok', body: { ok: true, ...body } };
}
