import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

/**
 * Slack's Socket Mode on 127.0.0.1, for the real Bolt SocketModeReceiver (@slack/socket-mode) to connect to:
 * the Web API method `apps.connections.open` over HTTP and the WebSocket protocol it hands out.
 *
 * Pages modelled (checked 2026-12-02):
 * - M: https://docs.slack.dev/reference/methods/apps.connections.open
 * - S: https://docs.slack.dev/apis/events-api/using-socket-mode
 */

export interface Envelope {
  envelope_id: string;
  type: 'interactive' | 'events_api' | 'slash_commands';
  payload: Record<string, unknown>;
  accepts_response_payload: boolean;
  retry_attempt: number;
  retry_reason: string;
}

export interface Acknowledgement {
  envelope_id: string;
  payload?: unknown;
  at: number;
}

export interface FakeSocketModeOptions {
  /** App-level tokens apps.connections.open accepts. */
  appTokens: string[];
  appId?: string;
  /** How long an envelope waits for its acknowledgement before it is sent again (S: acknowledge within 3 s). */
  ackTimeoutMs?: number;
  /**
   * Redeliveries before an envelope is given up. S says an unacknowledged envelope is sent again with
   * `retry_attempt` / `retry_reason`; it gives no schedule, so this fake retries after each ack window, up
   * to 3 times, as the Events API retries (https://docs.slack.dev/apis/events-api/#retries).
   */
  maxRetries?: number;
}

interface Pending {
  envelope: Envelope;
  timer?: NodeJS.Timeout;
}

export class FakeSocketMode {
  readonly opens: Array<{ authorization: string | undefined; ok: boolean; error?: string }> = [];
  readonly delivered: Envelope[] = [];
  readonly acks: Acknowledgement[] = [];
  private readonly tickets = new Set<string>();
  private readonly connections = new Set<WebSocket>();
  private readonly pending = new Map<string, Pending>();
  private readonly sockets = new Set<Socket>();
  private readonly wss = new WebSocketServer({ noServer: true });
  private server?: http.Server;
  private port = 0;
  private acksToIgnore = 0;
  private readonly appId: string;
  private readonly ackTimeoutMs: number;
  private readonly maxRetries: number;

  constructor(private readonly options: FakeSocketModeOptions) {
    this.appId = options.appId ?? 'A0FAKEAPP';
    this.ackTimeoutMs = options.ackTimeoutMs ?? 3_000;
    this.maxRetries = options.maxRetries ?? 3;
  }

  /** Starts listening; answers the Web API base URL to hand the SDK as `slackApiUrl`. */
  async start(): Promise<string> {
    this.server = http.createServer((req, res) => void this.handleHttp(req, res));
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    this.server.on('upgrade', (req, socket, head) => this.handleUpgrade(req, socket as Socket, head));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return `http://127.0.0.1:${this.port}/api/`;
  }

  async stop(): Promise<void> {
    for (const p of this.pending.values()) clearTimeout(p.timer);
    for (const ws of this.connections) ws.terminate();
    for (const socket of this.sockets) socket.destroy();
    this.wss.close();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  get openConnections(): number {
    return this.connections.size;
  }

  /** Test knob: the next `n` acknowledgements are lost (the envelope stays unacknowledged and is redelivered). */
  loseAcks(n: number): void {
    this.acksToIgnore += n;
  }

  /** Sends one envelope on an open connection and keeps it until acknowledged; answers its envelope_id. */
  send(type: Envelope['type'], payload: Record<string, unknown>): string {
    // S: interactive payloads (block_actions...) and slash commands accept a response payload in the ack; events do not.
    const envelope: Envelope = {
      envelope_id: randomUUID(),
      type,
      payload,
      accepts_response_payload: type !== 'events_api',
      retry_attempt: 0,
      retry_reason: '',
    };
    this.pending.set(envelope.envelope_id, { envelope });
    this.deliver(envelope);
    return envelope.envelope_id;
  }

  /**
   * S: connections refresh regularly: Slack sends `disconnect` (reason `warning` about 10 s ahead, then
   * `refresh_requested`; `link_disabled` when Socket Mode is switched off) and the client opens a new one.
   */
  requestRefresh(reason: 'refresh_requested' | 'warning' | 'link_disabled' = 'refresh_requested'): void {
    for (const ws of this.connections) ws.send(JSON.stringify({ type: 'disconnect', reason, debug_info: { host: 'wss-fake' } }));
  }

  deliveriesOf(envelopeId: string): Envelope[] {
    return this.delivered.filter((e) => e.envelope_id === envelopeId);
  }

  acksOf(envelopeId: string): Acknowledgement[] {
    return this.acks.filter((a) => a.envelope_id === envelopeId);
  }

  private deliver(envelope: Envelope): void {
    const pending = this.pending.get(envelope.envelope_id);
    if (!pending) return;
    const ws = [...this.connections][0];
    if (ws) {
      ws.send(JSON.stringify(envelope));
      this.delivered.push({ ...envelope });
    }
    // Unacknowledged (or not sent for want of a connection): try again after the ack window, as Slack
    // retries an envelope it got no acknowledgement for, counting retry_attempt up (S).
    clearTimeout(pending.timer);
    pending.timer = setTimeout(() => {
      if (!this.pending.has(envelope.envelope_id)) return;
      if (envelope.retry_attempt >= this.maxRetries) {
        this.pending.delete(envelope.envelope_id);
        return;
      }
      envelope.retry_attempt += 1;
      envelope.retry_reason = 'timeout';
      this.deliver(envelope);
    }, this.ackTimeoutMs);
  }

  private async handleHttp(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    for await (const _chunk of req) void _chunk; // the body carries nothing this method reads
    const path = (req.url ?? '/').split('?')[0];
    const json = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (path !== '/api/apps.connections.open') {
      // Slack answers an unknown method with HTTP 200 ok:false unknown_method.
      json(200, { ok: false, error: 'unknown_method' });
      return;
    }
    // M: the app-level token goes in the Authorization header; without one, not_authed; one Slack does not know, invalid_auth.
    const authorization = req.headers.authorization;
    const token = /^Bearer (\S+)$/.exec(authorization ?? '')?.[1];
    const error = token === undefined ? 'not_authed' : this.options.appTokens.includes(token) ? undefined : 'invalid_auth';
    this.opens.push({ authorization, ok: error === undefined, ...(error ? { error } : {}) });
    if (error) {
      json(200, { ok: false, error });
      return;
    }
    // M: a temporary WebSocket URL with a ticket, e.g. wss://wss-….slack.com/link/?ticket=…&app_id=…
    const ticket = randomUUID();
    this.tickets.add(ticket);
    json(200, { ok: true, url: `ws://127.0.0.1:${this.port}/link/?ticket=${ticket}&app_id=${this.appId}` });
  }

  private handleUpgrade(req: http.IncomingMessage, socket: Socket, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const ticket = url.searchParams.get('ticket') ?? '';
    // S: the URL is generated for one connection; a ticket is good once.
    if (url.pathname !== '/link/' || !this.tickets.delete(ticket)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws));
  }

  private onConnection(ws: WebSocket): void {
    this.connections.add(ws);
    ws.on('close', () => this.connections.delete(ws));
    ws.on('message', (data) => this.onClientMessage(data.toString()));
    // S: the first message on a new connection is `hello`, with the connection count and debug info.
    ws.send(
      JSON.stringify({
        type: 'hello',
        num_connections: this.connections.size,
        debug_info: { host: 'applink-fake', build_number: 1, approximate_connection_time: 18_060 },
        connection_info: { app_id: this.appId },
      }),
    );
    // Envelopes still waiting for an acknowledgement go out again on the new connection.
    for (const { envelope } of this.pending.values()) if (!this.delivered.some((d) => d.envelope_id === envelope.envelope_id)) this.deliver(envelope);
  }

  private onClientMessage(text: string): void {
    let message: { envelope_id?: unknown; payload?: unknown };
    try {
      message = JSON.parse(text) as typeof message;
    } catch {
      return;
    }
    // S: the app acknowledges an envelope by sending back {"envelope_id": "…"} and, when the envelope
    // accepts_response_payload, an optional "payload".
    if (typeof message.envelope_id !== 'string') return;
    if (this.acksToIgnore > 0) {
      this.acksToIgnore -= 1;
      return;
    }
    this.acks.push({ envelope_id: message.envelope_id, ...(message.payload !== undefined ? { payload: message.payload } : {}), at: Date.now() });
    const pending = this.pending.get(message.envelope_id);
    if (pending) {
      clearTimeout(pending.timer);
      this.pending.delete(message.envelope_id);
    }
  }
}
