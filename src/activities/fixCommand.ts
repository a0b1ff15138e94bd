import { spawn } from 'node:child_process';
import { Context } from '@temporalio/activity';
import type { FixRunRequest } from '../api';
import { OUTPUT_EXCERPT_BYTES, TailBuffer } from '../domain/fixOutput';
import type { CommandRunner } from '../domain/fixRunners';
import type { RunnerAnswer } from './fixWebhook';

/** After the timeout's SIGTERM, this long before SIGKILL. */
const KILL_GRACE_MS = 5_000;
/** Passed through from the worker's environment; nothing else is (the worker's secrets stay in the worker). */
const INHERITED_ENV = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR'];

/** The command's environment: a few basics and the wake's fields, each in its own variable, never in argv. */
export function commandEnv(request: FixRunRequest, idempotencyKey: string, parent: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const name of INHERITED_ENV) if (parent[name] !== undefined) env[name] = parent[name];
  return {
    ...env,
    PROBE_WAKE_IDEMPOTENCY_KEY: idempotencyKey,
    PROBE_WAKE_WORKFLOW_ID: request.workflowId,
    PROBE_WAKE_FIX_NAME: request.fixName,
    PROBE_WAKE_PROBE: request.probe,
    PROBE_WAKE_CATEGORY: request.category,
    PROBE_WAKE_WAKE_ID: request.wakeId,
    PROBE_WAKE_APPROVED_BY: request.approvedBy,
    PROBE_WAKE_APPROVED_AT: request.approvedAt,
  };
}

/**
 * Runs the configured argv as it is, with no shell (nothing in it or in the wake
 * is interpreted), in its own process group so a timeout ends its children too.
 * Exit 0 is done; anything else is an answer (ok: false), not retried here: a
 * command that ran may have done part of its work. A retry only happens when the
 * worker died mid-run, and then the command gets the same PROBE_WAKE_IDEMPOTENCY_KEY.
 */
export function runFixCommand(runner: CommandRunner, request: FixRunRequest, idempotencyKey: string): Promise<RunnerAnswer> {
  const [program, ...args] = runner.command as [string, ...string[]];
  const output = new TailBuffer(4 * OUTPUT_EXCERPT_BYTES);
  const cancelled = Context.current().cancellationSignal;
  return new Promise((resolve) => {
    const child = spawn(program, args, {
      shell: false,
      env: commandEnv(request, idempotencyKey),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let timedOut = false;
    let killTimer: NodeJS.Timeout | undefined;
    const killGroup = (signal: NodeJS.Signals) => {
      try {
        process.kill(-child.pid!, signal);
      } catch {
        // Already gone.
      }
    };
    const stop = () => {
      killGroup('SIGTERM');
      killTimer = setTimeout(() => killGroup('SIGKILL'), KILL_GRACE_MS);
    };
    const timer = setTimeout(() => {
      timedOut = true;
      stop();
    }, runner.timeoutMs);
    cancelled.addEventListener('abort', stop, { once: true });
    child.stdout!.on('data', (chunk: Buffer) => output.push(chunk));
    child.stderr!.on('data', (chunk: Buffer) => output.push(chunk));
    const done = (answer: RunnerAnswer) => {
      clearTimeout(timer);
      clearTimeout(killTimer);
      cancelled.removeEventListener('abort', stop);
      resolve(answer);
    };
    child.once('error', (err: NodeJS.ErrnoException) => done({ ok: false, reason: `spawn_error:${err.code ?? err.name}`, output: output.text() }));
    child.once('close', (code, signal) => {
      if (timedOut) return done({ ok: false, exitCode: code, ...(signal ? { signal } : {}), reason: 'timeout', output: output.text() });
      if (code === 0) return done({ ok: true, exitCode: 0, output: output.text() });
      if (signal) return done({ ok: false, exitCode: null, signal, reason: `signal_${signal}`, output: output.text() });
      done({ ok: false, exitCode: code, reason: `exit_${code}`, output: output.text() });
    });
  });
}
