import { FakeHttpServer, type Behaviour, type RecordedRequest } from './fakeHttp';

export const FAKE_DM_CHANNEL = 'D0FAKEDM';

export interface PostedDm {
  channel: string;
  text: string;
  ts: string;
  metadata?: { event_type?: string; event_payload?: Record<string, unknown> };
  /** Someone other than the bot wrote it (the operator answering in the DM). */
  byUser?: boolean;
}

export interface FakeSlackOptions {
  /** Epoch ms; the time-skipping server's clock in workflow tests, so limits and outages follow skipped time. */
  clock?: () => number | Promise<number>;
  /** Posts per second per channel, sustained. */
  postsPerSecond?: number;
  /** Posts a channel may take at once before the sustained rate applies. */
  postBurst?: number;
}

/**
 * Slack Web API stand-in under /api/, as the published docs describe the real one:
 *
 * - chat.postMessage / chat.update: about one message a second per channel,
 *   short bursts allowed; beyond, HTTP 429 with Retry-After
 *   (https://docs.slack.dev/apis/web-api/rate-limits, "Posting messages";
 *   https://docs.slack.dev/reference/methods/chat.postMessage, "Rate limiting").
 * - conversations.history: for non-Marketplace apps installed since
 *   2025-05-29, 1 request a minute and `limit` at most (and by default) 15,
 *   cursor pagination (https://docs.slack.dev/reference/methods/conversations.history).
 * - An unknown method answers HTTP 200 `{ok:false, error:"unknown_method"}`;
 *   no token answers `not_authed`, an unknown or revoked one `invalid_auth`
 *   (https://docs.slack.dev/apis/web-api/, "Evaluating responses").
 * - Outages show as HTTP 5xx or refused connections (`goDown`).
 *
 * Tokens: any `xoxb-` bot token is known unless revoked. Scripted behaviours
 * (`script`) still win over all of this, for the fault table.
 */
export class FakeSlack extends FakeHttpServer {
  readonly posted: PostedDm[] = [];
  /** Posts and updates answered 429 by the per-channel limit. */
  rateLimitedPosts = 0;
  /** conversations.history calls answered 429 by the one-a-minute limit, and those answered. */
  rateLimitedHistory = 0;
  historyCalls = 0;
  private holdsAfterAccepting = 0;
  private readonly buckets = new Map<string, { tokens: number; atMs: number }>();
  private lastHistoryAtMs?: number;
  private readonly revoked = new Set<string>();
  private outage?: { untilMs: number; mode: 'http503' | 'refused' };
  private reopenTimer?: NodeJS.Timeout;
  private seq = 0;
  private readonly clock: () => number | Promise<number>;
  private readonly postsPerSecond: number;
  private readonly postBurst: number;

  constructor(options: FakeSlackOptions = {}) {
    super((path) => {
      const method = path.replace(/^.*\/api\//, '');
      return (req, scripted) => this.answer(method, req, scripted);
    });
    this.clock = options.clock ?? Date.now;
    this.postsPerSecond = options.postsPerSecond ?? 1;
    this.postBurst = options.postBurst ?? 3;
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

  revoke(token: string): void {
    this.revoked.add(token);
  }

  /** Messages the operator writes in the DM (they count against the history look-up's 15). */
  operatorWrites(count: number, atMs: number): void {
    for (let i = 0; i < count; i += 1) this.posted.push({ channel: FAKE_DM_CHANNEL, text: `operator says ${i}`, ts: this.nextTs(atMs), byUser: true });
  }

  /** Slack down for `forMs` on the fake's clock: HTTP 503 to every call, or no listener at all (connection refused). */
  async goDown(forMs: number, mode: 'http503' | 'refused'): Promise<void> {
    const untilMs = (await this.clock()) + forMs;
    this.outage = { untilMs, mode };
    if (mode !== 'refused') return;
    await this.refuseConnections();
    // Nothing reaches a closed port to notice the end: watch the clock.
    this.reopenTimer = setInterval(() => {
      void (async () => {
        if (!this.outage || (await this.clock()) < this.outage.untilMs) return;
        clearInterval(this.reopenTimer);
        this.reopenTimer = undefined;
        this.outage = undefined;
        await this.listenAgain();
      })();
    }, 50);
  }

  /** Bot posts only (not the operator's), as the tests count DMs. */
  get dms(): PostedDm[] {
    return this.posted.filter((m) => !m.byUser);
  }

  override async stop(): Promise<void> {
    if (this.reopenTimer) clearInterval(this.reopenTimer);
    await super.stop();
  }

  override reset(): void {
    super.reset();
    this.posted.length = 0;
    this.holdsAfterAccepting = 0;
    this.buckets.clear();
    this.lastHistoryAtMs = undefined;
    this.rateLimitedPosts = 0;
    this.rateLimitedHistory = 0;
    this.historyCalls = 0;
    this.outage = undefined;
  }

  private async answer(method: string, req: RecordedRequest, scripted: Behaviour | undefined): Promise<Behaviour> {
    const now = await this.clock();
    if (this.outage && now < this.outage.untilMs) return { kind: 'status', status: 503, body: 'Service Unavailable' };
    this.outage = undefined;
    if (scripted) return scripted;
    const auth = this.checkToken(req);
    if (auth) return auth;
    switch (method) {
      case 'auth.test':
        return ok({ user_id: 'UBOT', team: 'fake' });
      case 'conversations.open':
        return ok({ channel: { id: FAKE_DM_CHANNEL } });
      case 'chat.postMessage':
        return this.postMessage(req, now);
      case 'chat.update':
        return this.update(req, now);
      case 'conversations.history':
        return this.history(req.body, now);
      default:
        // HTTP 200 with ok:false for a method Slack does not have.
        return { kind: 'ok', body: { ok: false, error: 'unknown_method' } };
    }
  }

  private checkToken(req: RecordedRequest): Behaviour | undefined {
    const header = req.headers.authorization;
    const token = typeof header === 'string' && header.startsWith('Bearer ') ? header.slice('Bearer '.length) : String(req.body.token ?? '');
    if (!token) return { kind: 'ok', body: { ok: false, error: 'not_authed' } };
    if (!/^xoxb-\S+$/.test(token) || this.revoked.has(token)) return { kind: 'ok', body: { ok: false, error: 'invalid_auth' } };
    return undefined;
  }

  /** A token bucket per channel; empty: 429 with the seconds until the next token as Retry-After. */
  private takePostToken(channel: string, now: number): Behaviour | undefined {
    const bucket = this.buckets.get(channel) ?? { tokens: this.postBurst, atMs: now };
    bucket.tokens = Math.min(this.postBurst, bucket.tokens + ((now - bucket.atMs) / 1000) * this.postsPerSecond);
    bucket.atMs = now;
    this.buckets.set(channel, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return undefined;
    }
    this.rateLimitedPosts += 1;
    const waitSeconds = Math.max(1, Math.ceil((1 - bucket.tokens) / this.postsPerSecond));
    return FakeSlack.rateLimited(waitSeconds);
  }

  private channelOf(value: unknown): string {
    const channel = String(value ?? '');
    // A user ID opens (or reuses) the DM with that user.
    return /^[UW]/.test(channel) ? FAKE_DM_CHANNEL : channel;
  }

  private postMessage(req: RecordedRequest, now: number): Behaviour {
    const channel = this.channelOf(req.body.channel);
    if (!channel) return { kind: 'ok', body: { ok: false, error: 'channel_not_found' } };
    const limited = this.takePostToken(channel, now);
    if (limited) return limited;
    const ts = this.nextTs(now);
    this.posted.push({ channel, text: String(req.body.text), ts, metadata: req.body.metadata as PostedDm['metadata'] });
    if (this.holdsAfterAccepting > 0) {
      this.holdsAfterAccepting -= 1;
      return { kind: 'hold' };
    }
    return ok({ channel, ts });
  }

  private update(req: RecordedRequest, now: number): Behaviour {
    const channel = this.channelOf(req.body.channel);
    const limited = this.takePostToken(channel, now);
    if (limited) return limited;
    const message = this.posted.find((m) => m.channel === channel && m.ts === String(req.body.ts) && !m.byUser);
    if (!message) return { kind: 'ok', body: { ok: false, error: 'message_not_found' } };
    message.text = String(req.body.text ?? message.text);
    return ok({ channel, ts: message.ts, text: message.text });
  }

  /** Newest first, `oldest` honoured, `limit` capped at 15, cursor pages; metadata only with `include_all_metadata`. */
  private history(params: Record<string, unknown>, now: number): Behaviour {
    if (this.lastHistoryAtMs !== undefined && now - this.lastHistoryAtMs < 60_000) {
      this.rateLimitedHistory += 1;
      return FakeSlack.rateLimited(Math.max(1, Math.ceil((60_000 - (now - this.lastHistoryAtMs)) / 1000)));
    }
    this.lastHistoryAtMs = now;
    this.historyCalls += 1;
    const oldest = Number(params.oldest ?? 0);
    const limit = Math.min(15, Math.max(1, Number(params.limit ?? 15)));
    const start = Number(params.cursor ?? 0) || 0;
    const withMetadata = String(params.include_all_metadata) === 'true';
    const channel = String(params.channel ?? '');
    const all = [...this.posted].reverse().filter((m) => m.channel === channel && Number(m.ts) > oldest);
    const page = all.slice(start, start + limit);
    const hasMore = start + limit < all.length;
    return ok({
      messages: page.map((m) => ({ type: 'message', text: m.text, ts: m.ts, ...(m.byUser ? { user: 'U024BE7LH' } : { bot_id: 'BFAKE' }), ...(withMetadata && m.metadata ? { metadata: m.metadata } : {}) })),
      has_more: hasMore,
      response_metadata: { next_cursor: hasMore ? String(start + limit) : '' },
    });
  }

  private nextTs(now: number): string {
    this.seq += 1;
    return `${Math.floor(now / 1000)}.${String(this.seq).padStart(6, '0')}`;
  }
}

function ok(body: Record<string, unknown>): Behaviour {
  return { kind: 'ok', body: { ok: true, ...body } };
}
