import { Context, log } from '@temporalio/activity';
import { fixIdempotencyKey, type FixRunRequest, type FixRunResult } from '../api';
import { outputExcerpt } from '../domain/fixOutput';
import type { FixRunners } from '../domain/fixRunners';
import { runFixCommand } from './fixCommand';
import { callFixWebhook, type RunnerAnswer } from './fixWebhook';
import { startHeartbeating } from './heartbeat';

/**
 * Carries out one approved fix with the runner PROBE_FIX_RUNNERS names for it.
 * Safe to retry: every attempt sends the same idempotency key (the investigation's
 * workflow ID + fix name), so a runner that honours it runs the fix once however
 * often the activity runs (a worker killed mid-run, a 5xx). Heartbeats while the
 * runner works, so a dead worker is noticed at the heartbeat timeout.
 * Secrets stay here: the request carries none, and the output excerpt has every
 * configured webhook secret replaced before it leaves the worker.
 */
export function createRunFix(runners: FixRunners) {
  const secrets = Object.values(runners).flatMap((r) => (r.kind === 'webhook' ? [r.secret] : []));
  return async function runFix(request: FixRunRequest): Promise<FixRunResult> {
    const { attempt } = Context.current().info;
    const idempotencyKey = fixIdempotencyKey(request.workflowId, request.fixName);
    const runner = runners[request.fixName];
    const base = { fixName: request.fixName, idempotencyKey, attempt };
    if (!runner) return { ...base, ok: false, runner: 'none', reason: 'no_runner', outputExcerpt: '', durationMs: 0 };
    const started = Date.now();
    const stopHeartbeating = startHeartbeating();
    let answer: RunnerAnswer;
    try {
      answer = runner.kind === 'webhook' ? await callFixWebhook(runner, request, idempotencyKey) : await runFixCommand(runner, request, idempotencyKey);
    } finally {
      stopHeartbeating();
    }
    const { output, ...rest } = answer;
    const result: FixRunResult = { ...base, ...rest, runner: runner.kind, outputExcerpt: outputExcerpt(output, secrets), durationMs: Date.now() - started };
    log.info('fix runner answered', { idempotencyKey, runner: runner.kind, ok: result.ok, status: result.status, exitCode: result.exitCode, reason: result.reason, alreadyDone: result.alreadyDone, attempt });
    return result;
  };
}
