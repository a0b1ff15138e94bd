import { blockProblems, invalidBlocksBody } from './blockKit';
import { FakeHttpServer, type Behaviour, type RecordedRequest } from './fakeHttp';

export const FAKE_DM_CHANNEL = 'D0FAKEDM';

export interface PostedDm {
  channel: string;
  /** The current text (the newest edit's). */
  text: string;
  /** The current Block Kit layout, as the fake received it. */
  blocks?: unknown[];
  ts: string;
  /** Set on a thread reply: its parent's ts. */
  threadTs?: string;
  metadata?: { event_type?: string; event_payload?: Record<string, unknown> };
  /** The message's key (probe-wake's metadata payload), when it has one. */
  key?: string;
  /** Every chat.update it took, oldest first, as received. */
  edits: Array<{ text: string; blocks?: unknown[]; atMs: number }>;
  /** Someone other than the bot wrote it (the operator answering in the DM). */
  byUser?: boolean;
}

/** Text past this is cut (https://docs.slack.dev/reference/methods/chat.postMessage, "Truncating content"). */
export const TEXT_LIMIT = 40_000;

export interface FakeSlackOptions {
  /** Epoch ms; the time-skipping server's clock in workflow tests, so limits and outages follow skipped time. */
  clock?: () => number | Promise<number>;
  /** Posts per second per channel, sustained. */
  postsPerSecond?: number;
  /** Posts a channel may take at once before the sustained rate applies. */
  postBurst?: number;
  /** chat.update calls a minute (Tier 3: 50+), and how many may come at once. */
  updatesPerMinute?: number;
  updateBurst?: number;
}

/**
 * Slack Web API stand-in under /api/, as the published docs describe the real one:
 *
 * - chat.postMessage: about one message a second per channel, short bursts
 *   allowed; beyond, HTTP 429 with Retry-After
 *   (https://docs.slack.dev/apis/web-api/rate-limits, "Posting messages";
 *   https://docs.slack.dev/reference/methods/chat.postMessage, "Rate limiting").
 *   `thread_ts` must name an existing top-level message of the channel; a
 *   reply's ts is taken as its parent's ("Avoid using a reply's ts value; use
 *   its parent's"). An unknown one is refused `thread_not_found` (the error
 *   Slack's thread methods give for a missing or invalid thread_ts,
 *   https://docs.slack.dev/reference/methods/conversations.replies).
 * - chat.update: Tier 3, 50+ calls a minute, its own limit apart from
 *   posting (https://docs.slack.dev/reference/methods/chat.update,
 *   https://docs.slack.dev/apis/web-api/rate-limits "Tier 3"). `channel` must
 *   be the DM's ID (D…), not a user ID ("For direct messages, ensure that this
 *   value is a DM ID"): else channel_not_found; an unknown ts answers
 *   message_not_found; someone else's message cant_update_message. Omitted
 *   `blocks` keep the old ones; an empty list clears them.
 * - Block Kit: `blocks` are validated as Slack documents them (test/support/blockKit.ts,
 *   every rule cited there); a message breaking one is refused whole with
 *   `invalid_blocks` and the details in `response_metadata.messages`. Neither
 *   text nor blocks: `no_text`. Text over 40,000 characters is cut.
 * - conversations.history: top-level messages only, newest first; for
 *   non-Marketplace apps installed since 2025-05-29, 1 request a minute and
 *   `limit` at most (and by default) 15, cursor pagination
 *   (https://docs.slack.dev/reference/methods/conversations.history).
 * - conversations.replies: the parent then its replies, oldest first; `ts`
 *   must be an existing message (else thread_not_found); the same
 *   non-Marketplace limits as history, counted apart
 *   (https://docs.slack.dev/reference/methods/conversations.replies).
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
  /** chat.update calls answered 429 by Tier 3. */
  rateLimitedUpdates = 0;
  /** conversations.replies calls answered, and those answered 429 by the one-a-minute limit. */
  repliesCalls = 0;
  rateLimitedReplies = 0;
  private holdsAfterAccepting = 0;
  private replyHoldsAfterAccepting = 0;
  private readonly buckets = new Map<string, { tokens: number; atMs: number }>();
  private updateBucket?: { tokens: number; atMs: number };
  private lastHistoryAtMs?: number;
  private lastRepliesAtMs?: number;
  private readonly revoked = new Set<string>();
  private outage?: { untilMs: number; mode: 'http503' | 'refused' };
  private reopenTimer?: NodeJS.Timeout;
  private seq = 0;
  private readonly clock: () => number | Promise<number>;
  private readonly postsPerSecond: number;
  private readonly postBurst: number;
  private readonly updatesPerMinute: number;
  private readonly updateBurst: number;

  constructor(options: FakeSlackOptions = {}) {
    super((path) => {
      const method = path.replace(/^.*\/api\//, '');
      return (req, scripted) => this.answer(method, req, scripted);
    });
    this.clock = options.clock ?? Date.now;
    this.postsPerSecond = options.postsPerSecond ?? 1;
    this.postBurst = options.postBurst ?? 3;
    this.updatesPerMinute = options.updatesPerMinute ?? 50;
    this.updateBurst = options.updateBurst ?? 5;
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

  /** The same for the next `count` thread replies only (top-level posts are answered). */
  holdRepliesAfterAccepting(count: number): void {
    this.replyHoldsAfterAccepting += count;
  }

  revoke(token: string): void {
    this.revoked.add(token);
  }

  /** Messages the operator writes in the DM (they count against the history look-up's 15). */
  operatorWrites(count: number, atMs: number): void {
    for (let i = 0; i < count; i += 1) this.posted.push({ channel: FAKE_DM_CHANNEL, text: `operator says ${i}`, ts: this.nextTs(atMs), byUser: true, edits: [] });
  }

  /** Replies the operator writes in a thread (they count against the replies look-up's 15). */
  operatorReplies(threadTs: string, count: number, atMs: number): void {
    for (let i = 0; i < count; i += 1) {
      this.posted.push({ channel: FAKE_DM_CHANNEL, text: `operator replies ${i}`, ts: this.nextTs(atMs), threadTs, byUser: true, edits: [] });
    }
  }

  /**
   * Slack down for `forMs` on the fake's clock: HTTP 503 to every call, or no listener at all (connection
   * refused). A new outage replaces the one going on, refused connections included.
   */
  async goDown(forMs: number, mode: 'http503' | 'refused'): Promise<void> {
    const untilMs = (await this.clock()) + forMs;
    // The watch of a refused outage still going on ends here: this outage decides whether the port listens.
    const refusing = this.reopenTimer !== undefined;
    clearInterval(this.reopenTimer);
    this.reopenTimer = undefined;
    const outage = (this.outage = { untilMs, mode });
    if (mode !== 'refused') {
      if (refusing) await this.listenAgain();
      return;
    }
    if (!refusing) await this.refuseConnections();
    // Nothing reaches a closed port to notice the end: watch the clock. One look at a time: on a loaded
    // machine the clock (a call to the test server) can take longer than the interval, and two looks that
    // both saw the outage end would both listen again (EADDRINUSE on the kept port, or a read of a cleared outage).
    let looking = false;
    const timer = setInterval(() => {
      if (looking) return;
      looking = true;
      void (async () => {
        try {
          if (this.outage === outage && (await this.clock()) < outage.untilMs) return;
          // A newer outage took over while this look waited for the clock: the port is its business now.
          if (this.outage !== outage && this.outage !== undefined) return;
          // Over once its time has passed, or once reset() cleared it: either way the port listens again.
          clearInterval(timer);
          if (this.reopenTimer === timer) this.reopenTimer = undefined;
          if (this.outage === outage) this.outage = undefined;
          await this.listenAgain();
        } catch {
          // The test server went away (teardown): nothing left to reopen for.
        } finally {
          looking = false;
        }
      })();
    }, 50);
    this.reopenTimer = timer;
  }

  /** Bot posts only (not the operator's), as the tests count DMs: top-level messages and thread replies. */
  get dms(): PostedDm[] {
    return this.posted.filter((m) => !m.byUser);
  }

  /** The bot's top-level messages. */
  get roots(): PostedDm[] {
    return this.dms.filter((m) => !m.threadTs);
  }

  byKey(key: string): PostedDm[] {
    return this.posted.filter((m) => m.key === key);
  }

  repliesTo(ts: string): PostedDm[] {
    return this.posted.filter((m) => m.threadTs === ts);
  }

  /** One message and its thread replies as the fake received them: text, Block Kit and every edit. */
  recordOf(ts: string): { message: PostedDm; replies: PostedDm[] } | undefined {
    const message = this.posted.find((m) => m.ts === ts);
    return message ? { message, replies: this.repliesTo(ts) } : undefined;
  }

  override async stop(): Promise<void> {
    if (this.reopenTimer) clearInterval(this.reopenTimer);
    await super.stop();
  }

  override reset(): void {
    super.reset();
    this.posted.length = 0;
    this.holdsAfterAccepting = 0;
    this.replyHoldsAfterAccepting = 0;
    this.buckets.clear();
    this.updateBucket = undefined;
    this.lastHistoryAtMs = undefined;
    this.lastRepliesAtMs = undefined;
    this.rateLimitedPosts = 0;
    this.rateLimitedHistory = 0;
    this.rateLimitedUpdates = 0;
    this.historyCalls = 0;
    this.repliesCalls = 0;
    this.rateLimitedReplies = 0;
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
      case 'conversations.replies':
        return this.replies(req.body, now);
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

  /** Tier 3 for chat.update: one bucket for the app (https://docs.slack.dev/apis/web-api/rate-limits). */
  private takeUpdateToken(now: number): Behaviour | undefined {
    const bucket = this.updateBucket ?? { tokens: this.updateBurst, atMs: now };
    const perMs = this.updatesPerMinute / 60_000;
    bucket.tokens = Math.min(this.updateBurst, bucket.tokens + (now - bucket.atMs) * perMs);
    bucket.atMs = now;
    this.updateBucket = bucket;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return undefined;
    }
    this.rateLimitedUpdates += 1;
    return FakeSlack.rateLimited(Math.max(1, Math.ceil((1 - bucket.tokens) / perMs / 1000)));
  }

  /** The message's content as received: an `invalid_blocks` or `no_text` refusal, or the text (cut at 40,000) and blocks. */
  private contentOf(body: Record<string, unknown>): { refused: Behaviour } | { text: string; blocks?: unknown[] } {
    const blocks = body.blocks;
    if (blocks !== undefined) {
      const problems = blockProblems(blocks);
      if (problems.length > 0) return { refused: { kind: 'ok', body: invalidBlocksBody(problems) } };
    }
    const text = body.text === undefined ? '' : String(body.text);
    if (!text && (!Array.isArray(blocks) || blocks.length === 0)) return { refused: { kind: 'ok', body: { ok: false, error: 'no_text' } } };
    return { text: text.slice(0, TEXT_LIMIT), ...(Array.isArray(blocks) ? { blocks } : {}) };
  }

  private postMessage(req: RecordedRequest, now: number): Behaviour {
    const channel = this.channelOf(req.body.channel);
    if (!channel) return { kind: 'ok', body: { ok: false, error: 'channel_not_found' } };
    const content = this.contentOf(req.body);
    if ('refused' in content) return content.refused;
    let threadTs: string | undefined;
    if (req.body.thread_ts !== undefined && req.body.thread_ts !== '') {
      const parent = this.posted.find((m) => m.channel === channel && m.ts === String(req.body.thread_ts));
      if (!parent) return { kind: 'ok', body: { ok: false, error: 'thread_not_found' } };
      threadTs = parent.threadTs ?? parent.ts;
    }
    const limited = this.takePostToken(channel, now);
    if (limited) return limited;
    const ts = this.nextTs(now);
    const metadata = req.body.metadata as PostedDm['metadata'];
    const key = metadata?.event_payload?.key;
    this.posted.push({ channel, ...content, ts, ...(threadTs ? { threadTs } : {}), metadata, ...(typeof key === 'string' ? { key } : {}), edits: [] });
    if (this.holdsAfterAccepting > 0) {
      this.holdsAfterAccepting -= 1;
      return { kind: 'hold' };
    }
    if (threadTs && this.replyHoldsAfterAccepting > 0) {
      this.replyHoldsAfterAccepting -= 1;
      return { kind: 'hold' };
    }
    return ok({ channel, ts, message: { text: content.text, ts, ...(threadTs ? { thread_ts: threadTs } : {}) } });
  }

  private update(req: RecordedRequest, now: number): Behaviour {
    const channel = String(req.body.channel ?? '');
    const limited = this.takeUpdateToken(now);
    if (limited) return limited;
    if (!/^[CDG]/.test(channel) || !this.posted.some((m) => m.channel === channel)) return { kind: 'ok', body: { ok: false, error: 'channel_not_found' } };
    const message = this.posted.find((m) => m.channel === channel && m.ts === String(req.body.ts));
    if (!message) return { kind: 'ok', body: { ok: false, error: 'message_not_found' } };
    if (message.byUser) return { kind: 'ok', body: { ok: false, error: 'cant_update_message' } };
    const content = this.contentOf({ text: req.body.text, blocks: req.body.blocks ?? message.blocks });
    if ('refused' in content) return content.refused;
    message.text = content.text;
    if (req.body.blocks !== undefined) message.blocks = content.blocks;
    message.edits.push({ text: content.text, ...(req.body.blocks !== undefined ? { blocks: content.blocks } : {}), atMs: now });
    return ok({ channel, ts: message.ts, text: message.text });
  }

  /** Non-Marketplace look-ups: one call a minute per method; answers 429 with the seconds left. */
  private lookUpLimited(last: number | undefined, now: number): Behaviour | undefined {
    if (last === undefined || now - last >= 60_000) return undefined;
    return FakeSlack.rateLimited(Math.max(1, Math.ceil((60_000 - (now - last)) / 1000)));
  }

  /** Newest first, top-level only, `oldest` honoured, `limit` capped at 15, cursor pages; metadata only with `include_all_metadata`. */
  private history(params: Record<string, unknown>, now: number): Behaviour {
    const limited = this.lookUpLimited(this.lastHistoryAtMs, now);
    if (limited) {
      this.rateLimitedHistory += 1;
      return limited;
    }
    this.lastHistoryAtMs = now;
    this.historyCalls += 1;
    const channel = String(params.channel ?? '');
    const all = [...this.posted].reverse().filter((m) => m.channel === channel && !m.threadTs && Number(m.ts) > Number(params.oldest ?? 0));
    return this.page(all, params);
  }

  /** The parent, then its replies oldest first; otherwise as history. */
  private replies(params: Record<string, unknown>, now: number): Behaviour {
    const limited = this.lookUpLimited(this.lastRepliesAtMs, now);
    if (limited) {
      this.rateLimitedReplies += 1;
      return limited;
    }
    this.lastRepliesAtMs = now;
    this.repliesCalls += 1;
    const channel = String(params.channel ?? '');
    const parent = this.posted.find((m) => m.channel === channel && m.ts === String(params.ts ?? ''));
    if (!parent) return { kind: 'ok', body: { ok: false, error: 'thread_not_found' } };
    const root = parent.threadTs ? this.posted.find((m) => m.ts === parent.threadTs)! : parent;
    const oldest = Number(params.oldest ?? 0);
    const thread = [root, ...this.posted.filter((m) => m.threadTs === root.ts)].filter((m) => m === root || Number(m.ts) > oldest);
    return this.page(thread, params);
  }

  private page(all: PostedDm[], params: Record<string, unknown>): Behaviour {
    const limit = Math.min(15, Math.max(1, Number(params.limit ?? 15)));
    const start = Number(params.cursor ?? 0) || 0;
    const withMetadata = String(params.include_all_metadata) === 'true';
    const page = all.slice(start, start + limit);
    const hasMore = start + limit < all.length;
    return ok({
      messages: page.map((m) => ({
        type: 'message',
        text: m.text,
        ts: m.ts,
        ...(m.threadTs ? { thread_ts: m.threadTs } : {}),
        ...(m.blocks ? { blocks: m.blocks } : {}),
        ...(m.byUser ? { user: 'U024BE7LH' } : { bot_id: 'BFAKE' }),
        ...(withMetadata && m.metadata ? { metadata: m.metadata } : {}),
      })),
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
