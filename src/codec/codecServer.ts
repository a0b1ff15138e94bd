import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PayloadCodec } from '@temporalio/common';
import { payloadFromJson, payloadToJson } from './aesGcmCodec';

export interface CodecServerOptions {
  codec: PayloadCodec;
  /** The Web UI's origin, e.g. http://localhost:8233: browsers call the codec from there. */
  allowOrigin: string;
  /** When set, requests must carry `Authorization: Bearer <token>`. */
  bearerToken?: string;
  port: number;
  host?: string;
}

const MAX_BODY_BYTES = 8 * 1024 * 1024;

/**
 * Temporal's remote codec protocol: POST /encode and /decode with
 * `{"payloads":[{"metadata":{k: base64},"data": base64}]}`, answered in the
 * same shape. The Web UI (`--ui-codec-endpoint`) and `temporal ... --codec-endpoint`
 * use it to show decrypted payloads to people who can reach this server.
 */
export async function startCodecServer(options: CodecServerOptions): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => void handle(options, req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', resolve);
  });
  const { address, port } = server.address() as AddressInfo;
  return {
    url: `http://${address}:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function handle(options: CodecServerOptions, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  res.setHeader('Access-Control-Allow-Origin', options.allowOrigin);
  res.setHeader('Access-Control-Allow-Credentials', 'true');
  res.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
  res.setHeader('Access-Control-Allow-Headers', 'Content-Type, Authorization, X-Namespace');
  res.setHeader('Vary', 'Origin');
  if (req.method === 'OPTIONS') return void res.writeHead(204).end();

  const route = (req.url ?? '').split('?')[0]!.replace(/\/+$/, '');
  const direction = route.endsWith('/decode') ? 'decode' : route.endsWith('/encode') ? 'encode' : undefined;
  if (req.method !== 'POST' || !direction) return reply(res, 404, { error: 'POST /encode or /decode' });
  if (options.bearerToken && req.headers.authorization !== `Bearer ${options.bearerToken}`) {
    return reply(res, 401, { error: 'missing or wrong bearer token' });
  }
  let body: { payloads?: unknown };
  try {
    body = JSON.parse(await readBody(req)) as { payloads?: unknown };
    if (!Array.isArray(body.payloads)) throw new Error('payloads must be an array');
  } catch (err) {
    return reply(res, 400, { error: `bad request body: ${(err as Error).message}` });
  }
  try {
    const payloads = (body.payloads as Array<Parameters<typeof payloadFromJson>[0]>).map(payloadFromJson);
    const result = await options.codec[direction](payloads);
    reply(res, 200, { payloads: result.map(payloadToJson) });
  } catch (err) {
    reply(res, 422, { error: (err as Error).message });
  }
}

function reply(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new Error('body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
