import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { FixRunRequest } from '../api';
import { OUTPUT_EXCERPT_BYTES, TailBuffer } from '../domain/fixOutput';
import type { WebhookRunner } from '../domain/fixRunners';
import { IDEMPOTENCY_HEADER, signFixRequest, SIGNATURE_HEADER, TIMESTAMP_HEADER } from '../domain/fixSignature';

/** The failure type a retryable webhook answer throws (5xx, 408, 429, a network error, a timeout). */
export const FIX_WEBHOOK_UNAVAILABLE = 'FixWebhookUnavailable';

export interface RunnerAnswer {
  ok: boolean;
  alreadyDone?: boolean;
  status?: number;
  exitCode?: number | null;
  signal?: string;
  reason?: string;
  output: string;
}

/** The JSON a fix webhook receives (docs/fixes.md "The request"). */
export function webhookBody(request: FixRunRequest, idempotencyKey: string): string {
  return JSON.stringify({
    type: 'probe_wake.fix_approved',
    idempotency_key: idempotencyKey,
    workflow_id: request.workflowId,
    fix_name: request.fixName,
    probe: request.probe,
    issue_category: request.category,
    wake_id: request.wakeId,
    approved_by: request.approvedBy,
    approved_at: request.approvedAt,
  });
}

/**
 * POSTs the signed request once. 2xx is done; 409 (the receiver already has this key)
 * and a 2xx with `Idempotent-Replayed: true` are done before; other 3xx/4xx are a
 * refusal returned as a value. What may succeed on a retry (5xx, 408, 429, network,
 * timeout) throws, so Temporal retries with the same key and body.
 */
export async function callFixWebhook(
  runner: WebhookRunner,
  request: FixRunRequest,
  idempotencyKey: string,
  nowMs: () => number = Date.now,
): Promise<RunnerAnswer> {
  const body = webhookBody(request, idempotencyKey);
  const timestamp = Math.floor(nowMs() / 1000);
  const timeout = AbortSignal.timeout(runner.timeoutMs);
  const signal = AbortSignal.any([timeout, Context.current().cancellationSignal]);
  let response: Response;
  try {
    response = await fetch(runner.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [IDEMPOTENCY_HEADER]: idempotencyKey,
        [TIMESTAMP_HEADER]: String(timestamp),
        [SIGNATURE_HEADER]: signFixRequest(runner.secret, timestamp, body),
        'user-agent': 'probe-wake',
      },
      body,
      // A redirect would send the signed request somewhere PROBE_FIX_RUNNERS does not name.
      redirect: 'manual',
      signal,
    });
  } catch (err) {
    const reason = timeout.aborted ? 'timeout' : `request_error:${(err as { cause?: { code?: string } }).cause?.code ?? (err as Error).name}`;
    throw ApplicationFailure.retryable(`fix webhook ${hostOf(runner.url)}: ${reason}`, FIX_WEBHOOK_UNAVAILABLE);
  }
  const output = await readTail(response, signal);
  const status = response.status;
  if (status >= 500 || status === 408 || status === 429) {
    throw ApplicationFailure.retryable(`fix webhook ${hostOf(runner.url)} answered HTTP ${status}`, FIX_WEBHOOK_UNAVAILABLE, { status });
  }
  if (status === 409) return { ok: true, alreadyDone: true, status, output };
  if (status >= 200 && status < 300) {
    const replayed = response.headers.get('idempotent-replayed')?.toLowerCase() === 'true';
    return { ok: true, ...(replayed ? { alreadyDone: true } : {}), status, output };
  }
  return { ok: false, status, reason: `http_${status}`, output };
}

/** The end of the response body, without holding a large one whole. */
async function readTail(response: Response, signal: AbortSignal): Promise<string> {
  if (!response.body) return '';
  const tail = new TailBuffer(4 * OUTPUT_EXCERPT_BYTES);
  try {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      tail.push(Buffer.from(chunk));
      if (signal.aborted) break;
    }
  } catch {
    // The status is the answer; a body cut short only shortens the excerpt.
  }
  return tail.text();
}

function hostOf(url: string): string {
  return new URL(url).host;
}


