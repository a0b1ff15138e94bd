import { spawn, type ChildProcess } from 'node:child_process';
import { workerProcessCommand } from '../src/runtime/workerProcessTuning';
import { sleep } from './workload';
import { freePort } from '../test/support/ports';
export { freePort };

export interface WorkerProcess {
  pid: number;
  child: ChildProcess;
  output(): string;
  /** SIGTERM and wait; returns how long the drain took. */
  stop(): Promise<{ code: number | null; stopMs: number }>;
}

/**
 * The production worker entry (lib/worker.js) as its own process, configured
 * only through env like a deployment: its CPU and memory are then its own.
 */
export async function startWorker(workerJs: string, env: NodeJS.ProcessEnv, readyTimeoutMs = 120_000): Promise<WorkerProcess> {
  const command = workerProcessCommand(workerJs, env);
  const child = spawn(process.execPath, command.args, { env: command.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const keep = (chunk: Buffer) => {
    out = (out + chunk.toString('utf8')).slice(-20_000);
  };
  let ready = false;
  child.stdout!.on('data', (chunk: Buffer) => {
    keep(chunk);
    if (chunk.toString('utf8').includes('"msg":"worker started"')) ready = true;
  });
  child.stderr!.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const worker: WorkerProcess = {
    pid: child.pid!,
    child,
    output: () => out,
    async stop() {
      const started = Date.now();
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const code = await Promise.race([exited, sleep(60_000).then(() => 'timeout' as const)]);
      if (code === 'timeout') {
        child.kill('SIGKILL');
        return { code: await exited, stopMs: Date.now() - started };
      }
      return { code, stopMs: Date.now() - started };
    },
  };
  const deadline = Date.now() + readyTimeoutMs;
  while (!ready) {
    if (child.exitCode !== null) throw new Error(`worker exited with code ${child.exitCode} before it was ready:\n${out}`);
    if (Date.now() > deadline) {
      await worker.stop();
      throw new Error(`worker was not ready within ${readyTimeoutMs} ms:\n${out}`);
    }
    await sleep(100);
  }
  return worker;
}
