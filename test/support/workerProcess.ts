import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { workerProcessCommand } from '../../src/runtime/workerProcessTuning';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { eventually } from './temporal';
import { freePort } from './ports';
export { freePort };

/** The production entry, built by `npm run build` (npm test's pretest). */
export const WORKER_JS = path.resolve(__dirname, '..', '..', 'lib', 'worker.js');

export function assertBuilt(): void {
  for (const file of [WORKER_JS, path.join(path.dirname(WORKER_JS), 'workflow-bundle.js')]) {
    if (!existsSync(file)) throw new Error(`${file} is missing: run \`npm run build\` (npm test does it in pretest)`);
  }
}

export interface WorkerProcess {
  readonly child: ChildProcessWithoutNullStreams;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stdout(): string;
  stderr(): string;
  /** Every stdout line parsed as JSON: throws on a line that is not (logs must be structured). */
  logLines(): Array<Record<string, unknown>>;
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Spawns `node lib/worker.js` and waits for its `worker started` log line. */
export async function startWorkerProcess(env: NodeJS.ProcessEnv, readyTimeoutMs = 60_000): Promise<WorkerProcess> {
  const command = workerProcessCommand(WORKER_JS, env);
  const child = spawn(process.execPath, command.args, { env: command.env, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  let exitedEarly = false;
  void exited.then(() => (exitedEarly = true));
  const worker: WorkerProcess = {
    child,
    exited,
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
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
  try {
    await eventually(() => {
      if (exitedEarly) throw new Error('worker exited before it was ready');
      return out.includes('"msg":"worker started"') ? true : undefined;
    }, readyTimeoutMs, 'worker start-up');
  } catch (e) {
    await worker.stop('SIGKILL');
    throw new Error(`${(e as Error).message}\nstdout:\n${out}\nstderr:\n${err}`);
  }
  return worker;
}
