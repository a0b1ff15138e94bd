import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter } from '@temporalio/common';
import { AesGcmCodec, ENCRYPTED_ENCODING, payloadToJson } from '../../src/codec/aesGcmCodec';
import { parseCodecKeys } from '../../src/codec/codecKeys';
import { startCodecServer } from '../../src/codec/codecServer';
import { ConfigError, describeConfig, loadConfig } from '../../src/config/config';

const k1 = randomBytes(32).toString('base64');
const k2 = randomBytes(32).toString('base64');
const codecFor = (value: string) => new AesGcmCodec(parseCodecKeys(value).keys);
const secretText = 'Fly token expired; details {"apps":["kora-runtime"]}';
const payload = () => defaultPayloadConverter.toPayload({ summary: secretText });

describe('AesGcmCodec', () => {
  it('round-trips a payload, and the encoded bytes hold no plaintext', async () => {
    const codec = codecFor(`k1:${k1}`);
    const [encoded] = await codec.encode([payload()]);
    expect(Buffer.from(encoded!.metadata!.encoding!).toString()).toBe(ENCRYPTED_ENCODING);
    expect(Buffer.from(encoded!.metadata!['encryption-key-id']!).toString()).toBe('k1');
    expect(Buffer.from(encoded!.data!).toString('latin1')).not.toContain('Fly token');
    const [decoded] = await codec.decode([encoded!]);
    expect(defaultPayloadConverter.fromPayload(decoded!)).toEqual({ summary: secretText });
  });

  it('after a rotation (k2 current, k1 retired) decodes payloads written with k1 and encodes with k2', async () => {
    const [old] = await codecFor(`k1:${k1}`).encode([payload()]);
    const rotated = codecFor(`k2:${k2},k1:${k1}`);
    expect(defaultPayloadConverter.fromPayload((await rotated.decode([old!]))[0]!)).toEqual({ summary: secretText });
    const [fresh] = await rotated.encode([payload()]);
    expect(Buffer.from(fresh!.metadata!['encryption-key-id']!).toString()).toBe('k2');
  });

  it('fails loudly on an unknown key id, a wrong key under a known id, and tampered data', async () => {
    const [encoded] = await codecFor(`k1:${k1}`).encode([payload()]);
    await expect(codecFor(`k2:${k2}`).decode([encoded!])).rejects.toThrow(/key id "k1", which is not in PROBE_WAKE_CODEC_KEYS \(known: k2\)/);
    await expect(codecFor(`k1:${k2}`).decode([encoded!])).rejects.toThrow(/does not authenticate with key "k1"/);
    const tampered = { ...encoded!, data: Buffer.from(encoded!.data!).fill(1, 20, 21) };
    await expect(codecFor(`k1:${k1}`).decode([tampered])).rejects.toThrow(/does not authenticate/);
  });

  it('passes unencrypted payloads through on decode (history written before the codec was turned on)', async () => {
    const plain = payload();
    expect(await codecFor(`k1:${k1}`).decode([plain])).toEqual([plain]);
  });
});

describe('PROBE_WAKE_CODEC_KEYS', () => {
  it.each([
    ['k1', /entry 1: must be <key id>:<base64 key>/],
    [`k1:${randomBytes(16).toString('base64')}`, /entry 1 \(k1\): the key must be 32 bytes in base64 .* got 16 bytes/],
    ['k1:not base64!', /got no valid base64/],
    [`k1:${k1},k1:${k2}`, /entry 2: key id "k1" is listed twice/],
    [`bad id:${k1}`, /key id "bad id" must be/],
  ])('%s is refused at start-up with a message naming the variable', (value, message) => {
    expect(() => loadConfig({ PROBE_WAKE_CODEC_KEYS: value })).toThrow(ConfigError);
    expect(() => loadConfig({ PROBE_WAKE_CODEC_KEYS: value })).toThrow(message);
  });

  it('never prints key bytes: describeConfig shows key ids only', () => {
    const config = loadConfig({ PROBE_WAKE_CODEC_KEYS: `k2:${k2},k1:${k1}` });
    expect(config.codecKeys.map((k) => k.id)).toEqual(['k2', 'k1']);
    const described = JSON.stringify(describeConfig(config));
    expect(described).toContain('"codecKeys":["k2","k1"]');
    expect(described).not.toContain(k1);
    expect(described).not.toContain(k2);
  });

  it('unset means no codec', () => expect(loadConfig({}).codecKeys).toEqual([]));
});

describe('codec server (Temporal remote codec protocol)', () => {
  const origin = 'http://localhost:8233';
  let server: Awaited<ReturnType<typeof startCodecServer>>;
  const codec = codecFor(`k2:${k2},k1:${k1}`);
  beforeAll(async () => {
    server = await startCodecServer({ codec, allowOrigin: origin, bearerToken: 'let-me-in', port: 0 });
  });
  afterAll(() => server.close());

  const post = (route: string, body: unknown, token = 'let-me-in') =>
    fetch(`${server.url}${route}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-namespace': 'default' },
      body: JSON.stringify(body),
    });

  it('answers the browser preflight with CORS for the UI origin', async () => {
    const res = await fetch(`${server.url}/decode`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST' } });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(origin);
    expect(res.headers.get('access-control-allow-headers')).toMatch(/X-Namespace/);
  });

  it('decodes a payload encrypted with a retired key, and encodes with the current one', async () => {
    const [old] = await codecFor(`k1:${k1}`).encode([payload()]);
    const decoded = await post('/decode', { payloads: [payloadToJson(old!)] });
    expect(decoded.status).toBe(200);
    const { payloads } = (await decoded.json()) as { payloads: Array<{ data: string }> };
    expect(JSON.parse(Buffer.from(payloads[0]!.data, 'base64').toString())).toEqual({ summary: secretText });

    const encoded = await post('/encode', { payloads: [payloadToJson(payload())] });
    const body = (await encoded.json()) as { payloads: Array<{ metadata: Record<string, string> }> };
    expect(Buffer.from(body.payloads[0]!.metadata['encryption-key-id']!, 'base64').toString()).toBe('k2');
  });

  it('refuses a request without the bearer token, and says why a payload cannot be decoded', async () => {
    expect((await post('/decode', { payloads: [] }, 'wrong')).status).toBe(401);
    const [foreign] = await codecFor(`k9:${randomBytes(32).toString('base64')}`).encode([payload()]);
    const res = await post('/decode', { payloads: [payloadToJson(foreign!)] });
    expect(res.status).toBe(422);
    expect(((await res.json()) as { error: string }).error).toMatch(/key id "k9"/);
  });
});
