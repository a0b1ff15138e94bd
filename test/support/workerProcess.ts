/**
 * The one spawner of worker processes outside production: the tests, the
 * crash harness (npm run chaos) and the bench all run the production entry
 * `node lib/worker.js` (built by `npm run build`, which every one of them runs
 * first), tuned as the Dockerfile and `npm start` tune it, configured only
 * through its environment like a deployment.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import path from 'node:path';
import { WORKER_NODE_FLAGS, WORKER_PROCESS_ENV } from '../../src/runtime/workerProcessTuning';
import { eventually, withTimeout } from './poll';

/** The settings probe-wake (and the Temporal SDK) read, by prefix or name; a developer's shell may hold some. */
const OWN_SETTINGS = ['TEMPORAL_', 'SLACK_', 'ANTHROPIC_', 'PROBE_', 'KORA_', 'AUDIT_LOG_PATH', 'LOG_LEVEL'];
/** Where the Temporal binaries are: kept, they are the machine's, not a setting of the service. */
const TOOL_PATHS = new Set(['TEMPORAL_CLI_PATH', 'TEMPORAL_TEST_SERVER_PATH']);

/** This process's environment without any probe-wake or Temporal setting from the shell: a child given its own gets only those. */
export function environmentWithoutOurs(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => TOOL_PATHS.has(name) || !OWN_SETTINGS.some((prefix) => name.startsWith(prefix))));
}

export const WORKER_JS = path.resolve(__dirname, '..', '..', 'lib', 'worker.js');

/** The line lib/worker.js logs once it polls and the tail runs with its settings. */
export const READY_MESSAGE = '"msg":"worker started"';
/** The SDK's log line once the worker polls, a few seconds before READY_MESSAGE on a loaded machine (the tail is ensured in between). */
export const POLLING_MESSAGE = '"state":"RUNNING"';

export function assertBuilt(): void {
  for (const file of [WORKER_JS, path.join(path.dirname(WORKER_JS), 'workflow-bundle.js')]) {
    if (!existsSync(file)) throw new Error(`${file} is missing: run \`npm run build\` (npm test does it in pretest)`);
  }
}

/** `node` arguments and environment that start `entry` as a tuned worker process. */
function workerProcessCommand(entry: string, env: NodeJS.ProcessEnv): { args: string[]; env: NodeJS.ProcessEnv } {
  return { args: [...WORKER_NODE_FLAGS, entry], env: { ...WORKER_PROCESS_ENV, ...env } };
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface SpawnOptions {
  /** Also append both streams to this file (the crash harness keeps each worker life's log). */
  logFile?: string;
  /** Keep only the last this many characters of each stream in memory (the bench's storms log a lot). Default: all. */
  keepChars?: number;
  /** The stdout text that means ready (default READY_MESSAGE). */
  readyMessage?: string;
}

export interface WorkerProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly exited: Promise<Exit>;
  readonly alive: boolean;
  stdout(): string;
  stderr(): string;
  /** Every stdout line parsed as JSON: throws on a line that is not (logs must be structured). */
  logLines(): Array<Record<string, unknown>>;
  /** Resolves once the worker logged its ready message; rejects if it exits first or takes longer than `timeoutMs`. */
  ready(timeoutMs?: number): Promise<void>;
  /** Sends `signal` (unless it has exited already) and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<Exit>;
}

export function spawnWorkerProcess(env: NodeJS.ProcessEnv, options: SpawnOptions = {}): WorkerProcess {
  assertBuilt();
  const command = workerProcessCommand(WORKER_JS, env);
  const child = spawn(process.execPath, command.args, { env: command.env, stdio: ['ignore', 'pipe', 'pipe'] });
  const log = options.logFile ? createWriteStream(options.logFile, { flags: 'a' }) : undefined;
  const keep = (text: string, chunk: Buffer) => {
    const next = text + chunk.toString('utf8');
    return options.keepChars === undefined ? next : next.slice(Math.max(0, next.length - options.keepChars));
  };
  let out = '';
  let err = '';
  const readyMessage = options.readyMessage ?? READY_MESSAGE;
  let started = false;
  let recent = ''; // enough of the stream's end to see the ready message split over two chunks
  child.stdout!.on('data', (chunk: Buffer) => {
    log?.write(chunk);
    if (!started) {
      recent = (recent + chunk.toString('utf8')).slice(-2 * readyMessage.length - chunk.length);
      started = recent.includes(readyMessage);
    }
    out = keep(out, chunk);
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    log?.write(chunk);
    err = keep(err, chunk);
  });
  let exit: Exit | undefined;
  const exited = new Promise<Exit>((resolve) =>
    child.once('exit', (code, signal) => {
      exit = { code, signal };
      log?.end();
      resolve(exit);
    }),
  );
  const where = options.logFile ? `see ${options.logFile}` : 'output below';
  return {
    child,
    pid: child.pid!,
    exited,
    get alive() {
      return exit === undefined;
    },
    stdout: () => out,
    stderr: () => err,
    logLines: () =>
      out
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => {
          try {
            return JSON.parse(line) as Record<string, unknown>;
          } catch {
            throw new Error(`worker stdout line is not JSON: ${line}`);
          }
        }),
    async ready(timeoutMs = 60_000) {
      await eventually(
        () => {
          if (exit) throw new Error(`worker exited (code ${exit.code}, signal ${exit.signal}) before it was ready; ${where}`);
          return started ? true : undefined;
        },
        timeoutMs,
        `worker start-up (${where})`,
        { errorsEnd: true },
      );
    },
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (exit === undefined) child.kill(signal);
      return exited;
    },
  };
}

/** Spawns lib/worker.js and waits until it is ready; on failure it is killed and the error carries its output. */
export async function startWorkerProcess(env: NodeJS.ProcessEnv, readyTimeoutMs = 60_000, options: SpawnOptions = {}): Promise<WorkerProcess> {
  const worker = spawnWorkerProcess(env, options);
  try {
    await worker.ready(readyTimeoutMs);
  } catch (e) {
    await worker.stop('SIGKILL');
    throw new Error(`${(e as Error).message}\nstdout:\n${worker.stdout()}\nstderr:\n${worker.stderr()}`);
  }
  return worker;
}

/** SIGTERM, and SIGKILL if it has not exited within `graceMs` (a stuck drain must not hang the caller). */
export async function stopOrKill(worker: WorkerProcess, graceMs: number): Promise<Exit> {
  const signalled = worker.stop('SIGTERM');
  try {
    return await withTimeout(signalled, graceMs, 'the worker to drain');
  } catch {
    return worker.stop('SIGKILL');
  }
}
