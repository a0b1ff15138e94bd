import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One scripted answer. Requests take the next queued answer, else the server's default. */
export type Behaviour =
  | { kind: 'ok'; body?: unknown }
  | { kind: 'status'; status: number; retryAfter?: string; body?: unknown }
  | { kind: 'slow'; delayMs: number; then?: Behaviour }
  | { kind: 'empty' }
  | { kind: 'malformed' }
  | { kind: 'reset' }
  /** Never answers: the request stays open until the client goes away or the server stops. */
  | { kind: 'hold' }
  /** 200 and half a JSON body, then the connection is destroyed. */
  | { kind: 'resetMidBody' }
  /** A fake writes the response itself (headers, streams); `spec` carries what it needs to know. */
  | { kind: 'custom'; play?: (res: http.ServerResponse) => Promise<void> | void; spec?: unknown };

export interface RecordedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: Record<string, unknown>;
  at: number;
}

export type Route = (request: RecordedRequest, behaviour: Behaviour | undefined) => Behaviour | Promise<Behaviour>;

/**
 * A tiny HTTP server on 127.0.0.1 that plays scripted behaviours, for driving
 * the real Slack and Anthropic SDK clients over the wire.
 */
export class FakeHttpServer {
  readonly requests: RecordedRequest[] = [];
  private readonly queues = new Map<string, Behaviour[]>();
  private server?: http.Server;
  private readonly sockets = new Set<import('node:net').Socket>();

  constructor(private readonly route: (path: string) => Route | undefined) {}

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Stops listening, so connections are refused, until `listenAgain`; the port is kept. */
  async refuseConnections(): Promise<void> {
    const port = (this.server?.address() as AddressInfo | null)?.port;
    if (port !== undefined) this.port = port;
    await this.stop();
  }

  async listenAgain(): Promise<void> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
  }

  private port = 0;

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Queue behaviours for requests whose path ends with `pathSuffix`. */
  script(pathSuffix: string, ...behaviours: Behaviour[]): void {
    this.queues.set(pathSuffix, [...(this.queues.get(pathSuffix) ?? []), ...behaviours]);
  }

  requestsTo(pathSuffix: string): RecordedRequest[] {
    return this.requests.filter((r) => r.path.endsWith(pathSuffix));
  }

  reset(): void {
    this.requests.length = 0;
    this.queues.clear();
  }

  private nextScripted(path: string): Behaviour | undefined {
    for (const [suffix, queue] of this.queues) if (path.endsWith(suffix) && queue.length > 0) return queue.shift();
    return undefined;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const path = (req.url ?? '/').split('?')[0]!;
    const recorded: RecordedRequest = { method: req.method ?? 'GET', path, headers: req.headers, body: parseBody(raw, req.headers['content-type']), at: Date.now() };
    this.requests.push(recorded);
    const route = this.route(path);
    if (!route) {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: `no fake route for ${path}` }));
      return;
    }
    await play(await route(recorded, this.nextScripted(path)), res);
  }
}

async function play(behaviour: Behaviour, res: http.ServerResponse): Promise<void> {
  switch (behaviour.kind) {
    case 'ok':
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(behaviour.body ?? {}));
      return;
    case 'status': {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (behaviour.retryAfter !== undefined) headers['retry-after'] = behaviour.retryAfter;
      res.writeHead(behaviour.status, headers).end(JSON.stringify(behaviour.body ?? { error: `status ${behaviour.status}` }));
      return;
    }
    case 'slow':
      await new Promise((resolve) => setTimeout(resolve, behaviour.delayMs));
      if (res.destroyed) return;
      return play(behaviour.then ?? { kind: 'ok' }, res);
    case 'empty':
      res.writeHead(200, { 'content-type': 'application/json' }).end();
      return;
    case 'malformed':
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"this is": not json');
      return;
    case 'reset':
      res.socket?.destroy();
      return;
    case 'hold':
      return;
    case 'custom':
      if (behaviour.play) await behaviour.play(res);
      else res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'custom behaviour with nothing to play' }));
      return;
    case 'resetMidBody':
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '4096' });
      res.write('{"id":"msg_fake","type":"message","content":[{"type":"te');
      setTimeout(() => res.socket?.destroy(), 20);
      return;
  }
}

function parseBody(raw: string, contentType: string | undefined): Record<string, unknown> {
  if (!raw) return {};
  if (contentType?.includes('application/json')) {
    try {
      return JSON.parse(raw) as Record<string, unknown>;
    } catch {
      return { raw };
    }
  }
  const form: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    form[key] = /^[[{]/.test(value) ? safeJson(value) : value;
  }
  return form;
}

function safeJson(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}
