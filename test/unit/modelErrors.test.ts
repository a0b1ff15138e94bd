import * as Anthropic from '@anthropic-ai/sdk';
import { modelFailure, serverRetryDelayMs, shouldRetry, StreamStop } from '../../src/activities/modelErrors';

const body = (type: string, extra: Record<string, unknown> = {}) => ({ type: 'error', error: { type, message: 'm', ...extra }, request_id: 'req_body' });
function apiError(status: number, headers: Record<string, string> = {}, errorBody: object = body('api_error')) {
  return Anthropic.APIError.generate(status, errorBody, 'm', new Headers({ 'request-id': 'req_123', ...headers }));
}

describe('engine errors, retried as the Anthropic SDK would', () => {
  it('retries 408, 409, 429, 5xx and no-status errors; not other 4xx; x-should-retry overrides both ways', () => {
    expect([408, 409, 429, 500, 529, undefined].map((s) => shouldRetry(s, new Headers()))).toEqual([true, true, true, true, true, true]);
    expect([400, 401, 403, 404, 413].map((s) => shouldRetry(s, new Headers()))).toEqual([false, false, false, false, false]);
    expect(shouldRetry(400, new Headers({ 'x-should-retry': 'true' }))).toBe(true);
    expect(shouldRetry(529, new Headers({ 'x-should-retry': 'false' }))).toBe(false);
  });

  it('takes retry-after-ms before retry-after (seconds or an HTTP date); ignores junk and the past', () => {
    expect(serverRetryDelayMs(new Headers({ 'retry-after-ms': '1500', 'retry-after': '9' }))).toBe(1500);
    expect(serverRetryDelayMs(new Headers({ 'retry-after': '7' }))).toBe(7000);
    expect(serverRetryDelayMs(new Headers({ 'retry-after': new Date(10_000 + 3000).toUTCString() }), 10_000)).toBe(3000);
    expect(serverRetryDelayMs(new Headers({ 'retry-after': 'soon' }))).toBeUndefined();
    expect(serverRetryDelayMs(new Headers({ 'retry-after-ms': '-5' }))).toBeUndefined();
    expect(serverRetryDelayMs(new Headers({ 'retry-after': '3600' }))).toBe(60_000);
  });

  it('a 529 with retry-after-ms: retryable, next attempt after that delay (whole seconds, at least 1), request-id recorded', () => {
    const failure = modelFailure(apiError(529, { 'retry-after-ms': '2500' }, body('overloaded_error')));
    expect(failure).toMatchObject({ type: 'OverloadedError', nonRetryable: false, nextRetryDelay: 3000 });
    expect(failure.message).toContain('request-id req_123');
    expect(failure.details).toEqual([{ status: 529, requestId: 'req_123' }]);
  });

  it('x-should-retry: false makes even a 503 final; true makes a 400 retryable', () => {
    expect(modelFailure(apiError(503, { 'x-should-retry': 'false' })).nonRetryable).toBe(true);
    expect(modelFailure(apiError(400, { 'x-should-retry': 'true' }, body('invalid_request_error'))).nonRetryable).toBe(false);
    expect(modelFailure(apiError(400, {}, body('invalid_request_error'))).nonRetryable).toBe(true);
  });

  it('a 429 whose body says the spend limit is reached is not retried; an ordinary 429 is', () => {
    const spend = modelFailure(apiError(429, {}, body('rate_limit_error', { details: { error_code: 'enforced_spend_limit_reached' } })));
    expect(spend).toMatchObject({ type: 'RateLimitError', nonRetryable: true });
    expect(spend.message).toContain('spend limit reached');
    expect(spend.details).toEqual([{ status: 429, requestId: 'req_123', spendLimit: true }]);
    expect(modelFailure(apiError(429, { 'retry-after': '7' }, body('rate_limit_error')))).toMatchObject({ nonRetryable: false, nextRetryDelay: 7000 });
  });

  it("the activity's own stops (silence, turn budget) are retryable typed failures", () => {
    const failure = modelFailure(new StreamStop('StreamSilenceTimeout', 'no byte from the model for 60 s'), 'req_9');
    expect(failure).toMatchObject({ type: 'StreamSilenceTimeout', nonRetryable: false });
    expect(failure.details).toEqual([{ status: null, requestId: 'req_9' }]);
  });
});
