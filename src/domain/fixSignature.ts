import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * How a fix webhook request is signed (docs/fixes.md "Verifying a request"), after the
 * scheme Slack and Stripe use: HMAC-SHA256 over `{timestamp}.{raw body}` with the shared
 * secret, hex-encoded, sent as `X-Probe-Wake-Signature: sha256=<hex>` beside
 * `X-Probe-Wake-Timestamp: <unix seconds>`. The timestamp is inside the signed text, so
 * a captured request cannot be replayed later with a fresh one.
 */
export const SIGNATURE_HEADER = 'x-probe-wake-signature';
export const TIMESTAMP_HEADER = 'x-probe-wake-timestamp';
export const IDEMPOTENCY_HEADER = 'idempotency-key';
/** A receiver refuses a timestamp further than this from its own clock. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

export function signFixRequest(secret: string, timestampSeconds: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestampSeconds}.${body}`).digest('hex')}`;
}

export type SignatureCheck = { ok: true } | { ok: false; problem: 'missing_headers' | 'stale_timestamp' | 'bad_signature' };

/** The receiver's side: what test/support/fakeFixWebhook.ts does and docs/fixes.md tells receivers to do. */
export function verifyFixRequest(
  secret: string,
  headers: { signature?: string; timestamp?: string },
  body: string,
  nowSeconds: number,
): SignatureCheck {
  const { signature, timestamp } = headers;
  if (!signature || !timestamp || !/^\d{1,12}$/.test(timestamp)) return { ok: false, problem: 'missing_headers' };
  if (Math.abs(nowSeconds - Number(timestamp)) > SIGNATURE_TOLERANCE_SECONDS) return { ok: false, problem: 'stale_timestamp' };
  const expected = Buffer.from(signFixRequest(secret, Number(timestamp), body));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, problem: 'bad_signature' };
  return { ok: true };
}
