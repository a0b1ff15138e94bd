import { createHmac } from 'node:crypto';
import { outputExcerpt, TailBuffer } from '../../src/domain/fixOutput';
import { signFixRequest, verifyFixRequest } from '../../src/domain/fixSignature';

const SECRET = 'whsec-test-0123456789abcdef0123456789';
const BODY = '{"type":"probe_wake.fix_approved","fix_name":"restart"}';

describe('fix request signature', () => {
  it('is sha256=HMAC-SHA256(secret, "{timestamp}.{body}") in hex', () => {
    const expected = createHmac('sha256', SECRET).update(`1700000000.${BODY}`).digest('hex');
    expect(signFixRequest(SECRET, 1_700_000_000, BODY)).toBe(`sha256=${expected}`);
  });

  it('verifies a good one and refuses a changed body, a wrong secret, a stale or missing timestamp', () => {
    const signature = signFixRequest(SECRET, 1_700_000_000, BODY);
    const headers = { signature, timestamp: '1700000000' };
    expect(verifyFixRequest(SECRET, headers, BODY, 1_700_000_100)).toEqual({ ok: true });
    expect(verifyFixRequest(SECRET, headers, BODY.replace('restart', 'rm'), 1_700_000_100)).toEqual({ ok: false, problem: 'bad_signature' });
    expect(verifyFixRequest('another-secret', headers, BODY, 1_700_000_100)).toEqual({ ok: false, problem: 'bad_signature' });
    expect(verifyFixRequest(SECRET, headers, BODY, 1_700_000_301)).toEqual({ ok: false, problem: 'stale_timestamp' });
    expect(verifyFixRequest(SECRET, { signature }, BODY, 1_700_000_000)).toEqual({ ok: false, problem: 'missing_headers' });
    // The timestamp is signed: a fresh timestamp on a captured signature does not verify.
    expect(verifyFixRequest(SECRET, { signature, timestamp: '1700000200' }, BODY, 1_700_000_200)).toEqual({ ok: false, problem: 'bad_signature' });
  });
});

describe('output excerpt', () => {
  it('keeps short output whole and redacts every secret', () => {
    expect(outputExcerpt(`token=${SECRET}; again ${SECRET}`, [SECRET])).toBe('token=[redacted]; again [redacted]');
  });

  it('keeps the last 2 KiB of long output, starting on a whole character', () => {
    const long = 'é'.repeat(3000) + 'END';
    const excerpt = outputExcerpt(long, []);
    expect(excerpt.endsWith('END')).toBe(true);
    expect(excerpt.startsWith('…é')).toBe(true);
    expect(Buffer.byteLength(excerpt.slice(1))).toBeLessThanOrEqual(2048);
  });

  it('redacts before cutting, so a secret across the cut leaves no piece of it', () => {
    const text = `${SECRET}${'x'.repeat(2048 - 5)}`;
    const excerpt = outputExcerpt(text, [SECRET]);
    expect(excerpt).not.toContain(SECRET.slice(-5));
  });

  it('TailBuffer keeps at least the last maxBytes of a stream', () => {
    const tail = new TailBuffer(10);
    for (const part of ['aaaaa', 'bbbbb', 'ccccc', 'ddddd']) tail.push(Buffer.from(part));
    expect(tail.text().endsWith('cccccddddd')).toBe(true);
    expect(tail.text().length).toBeLessThan(20);
  });
});
