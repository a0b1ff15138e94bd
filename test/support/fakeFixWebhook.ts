/**
 * A fix webhook receiver on 127.0.0.1, behaving as docs/fixes.md asks a receiver to:
 * it checks the signature and timestamp (its own HMAC code, written from the doc,
 * not probe-wake's), and honours the Idempotency-Key the way the IETF draft
 * "The Idempotency-Key HTTP Header Field" describes
 * (https://datatracker.ietf.org/doc/draft-ietf-httpapi-idempotency-key-header/, §2.6 and
 * "Error Scenarios"): a key it has finished is answered with the stored response again
 * (marked `Idempotent-Replayed: true`, as Stripe does: https://docs.stripe.com/api/idempotent_requests),
 * a key still being processed gets 409 Conflict, a missing key 400, the same key with a
 * different payload 422. It counts calls and executions per key.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Socket } from 'node:net';

export interface FixCall {
  key: string | undefined;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** What the fake answered (undefined: still held, or the client went away first). */
  status?: number;
  refused?: 'bad_signature' | 'stale_timestamp' | 'missing_headers' | 'missing_key' | 'payload_mismatch';
}

interface Stored {
  body: string;
  /** Undefined while the execution is in progress (a held response). */
  response?: { status: number; text: string };
}

/** docs/fixes.md: a receiver refuses a timestamp more than 5 minutes from its clock. */
const TOLERANCE_SECONDS = 300;

export class FakeFixWebhook {
  readonly calls: FixCall[] = [];
  private readonly done = new Map<string, Stored>();
  private readonly executions = new Map<string, number>();
  private holdNextCount = 0;
  private readonly held: Array<() => void> = [];
  private readonly waiters: Array<() => void> = [];
  private readonly failures: number[] = [];
  private server?: http.Server;
  private readonly sockets = new Set<Socket>();
  /** What a successful execution answers (a receiver's log, say); `{key}` is replaced. */
  responseText = 'restarted machine for {key}';

  constructor(private readonly secret: string) {}

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/fix`;
  }

  async stop(): Promise<void> {
    for (const release of this.held.splice(0)) release();
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** The next `n` new executions are carried out but their answer is held until `release()`. */
  holdNext(n = 1): void {
    this.holdNextCount += n;
  }

  /** Answers every held request (if its client is still there) and finishes its execution. */
  release(): void {
    for (const release of this.held.splice(0)) release();
  }

  /** The next `n` requests get `status` before anything is executed (a receiver briefly down). */
  failNext(status: number, n = 1): void {
    for (let i = 0; i < n; i++) this.failures.push(status);
  }

  executionsOf(key: string): number {
    return this.executions.get(key) ?? 0;
  }

  callsOf(key: string): number {
    return this.calls.filter((c) => c.key === key).length;
  }

  /** Resolves once `count` calls have arrived. */
  async callsArrived(count: number): Promise<void> {
    while (this.calls.length < count) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  reset(): void {
    this.release();
    this.calls.length = 0;
    this.done.clear();
    this.executions.clear();
    this.failures.length = 0;
    this.holdNextCount = 0;
    this.responseText = 'restarted machine for {key}';
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const keyHeader = req.headers['idempotency-key'];
    const key = typeof keyHeader === 'string' ? keyHeader : undefined;
    const call: FixCall = { key, headers: req.headers, body };
    this.calls.push(call);
    for (const wake of this.waiters.splice(0)) wake();
    const answer = (status: number, text: string, headers: Record<string, string> = {}) => {
      call.status = status;
      res.writeHead(status, { 'content-type': 'text/plain', ...headers }).end(text);
    };

    const refused = this.verify(req.headers, body);
    if (refused) {
      call.refused = refused;
      return answer(401, `refused: ${refused}`);
    }
    if (!key) {
      call.refused = 'missing_key';
      return answer(400, 'Idempotency-Key is required');
    }
    const failure = this.failures.shift();
    if (failure !== undefined) return answer(failure, 'temporarily unavailable');
    const stored = this.done.get(key);
    if (stored) {
      // The body carries no timestamp, so a retry's body is byte for byte the first one's.
      if (stored.body !== body) {
        call.refused = 'payload_mismatch';
        return answer(422, 'Idempotency-Key reused with another payload');
      }
      if (!stored.response) return answer(409, 'a request with this Idempotency-Key is still being processed');
      return answer(stored.response.status, stored.response.text, { 'idempotent-replayed': 'true' });
    }
    // A new key: the fix is carried out now, once.
    const entry: Stored = { body };
    this.done.set(key, entry);
    this.executions.set(key, this.executionsOf(key) + 1);
    const response = { status: 200, text: this.responseText.replaceAll('{key}', key) };
    if (this.holdNextCount > 0) {
      this.holdNextCount -= 1;
      this.held.push(() => {
        entry.response = response;
        if (!res.destroyed) answer(response.status, response.text);
      });
      return;
    }
    entry.response = response;
    answer(response.status, response.text);
  }

  /** docs/fixes.md "Verifying a request", step by step. */
  private verify(headers: http.IncomingHttpHeaders, body: string): FixCall['refused'] {
    const signature = headers['x-probe-wake-signature'];
    const timestamp = headers['x-probe-wake-timestamp'];
    if (typeof signature !== 'string' || typeof timestamp !== 'string' || !/^\d+$/.test(timestamp)) return 'missing_headers';
    if (Math.abs(Date.now() / 1000 - Number(timestamp)) > TOLERANCE_SECONDS) return 'stale_timestamp';
    const expected = Buffer.from(`sha256=${createHmac('sha256', this.secret).update(`${timestamp}.${body}`, 'utf8').digest('hex')}`);
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'bad_signature';
    return undefined;
  }
}
