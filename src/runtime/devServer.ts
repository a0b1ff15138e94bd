import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { SEARCH_ATTRIBUTE_NAMES } from '../api';

export interface DevServerOptions {
  cliPath: string;
  port: number;
  /** Absent: no Web UI (`--headless`). */
  uiPort?: number;
  /** Absent: in memory (tests). */
  dbFile?: string;
  readyTimeoutMs?: number;
}

export interface DevServer {
  address: string;
  /** Undefined when started headless. */
  uiUrl?: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** The search attributes investigations carry, as `temporal server start-dev` flags. */
export function searchAttributeFlags(): string[] {
  return SEARCH_ATTRIBUTE_NAMES.flatMap((name) => ['--search-attribute', `${name}=Keyword`]);
}

/**
 * SQLite's defaults (a rollback journal, fsync on every commit) made every
 * history write wait on the disk: a 10,000-wake storm took 23 s instead of
 * 11 s. A write-ahead log with `synchronous=normal` still survives the server
 * process being killed at any point (docs/reliability.md); only an OS crash or
 * power loss can drop the last commits, which is the local dev server's
 * trade. Production runs on PostgreSQL (docker-compose.yml).
 */
export const SQLITE_PRAGMAS = ['--sqlite-pragma', 'journal_mode=wal', '--sqlite-pragma', 'synchronous=normal'];

/**
 * Eager activity dispatch: the server hands a newly scheduled activity back in
 * the answer to the workflow task that scheduled it, to the same worker, which
 * saves a trip through the task queue per activity. docker-compose.yml sets
 * the same for its server (deploy/temporal-dynamicconfig.yaml).
 */
export const SERVER_DYNAMIC_CONFIG = ['--dynamic-config-value', 'system.enableActivityEagerExecution=true'];

/** Runs `temporal server start-dev` with SQLite persistence and waits until gRPC answers. */
export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  if (options.dbFile) mkdirSync(path.dirname(options.dbFile), { recursive: true });
  const args = [
    'server', 'start-dev',
    '--ip', '127.0.0.1',
    '--port', String(options.port),
    ...(options.uiPort !== undefined ? ['--ui-port', String(options.uiPort)] : ['--headless']),
    ...(options.dbFile ? ['--db-filename', options.dbFile, ...SQLITE_PRAGMAS] : []),
    ...SERVER_DYNAMIC_CONFIG,
    '--log-level', 'warn',
    ...searchAttributeFlags(),
  ];
  // Own process group: a terminal's Ctrl-C reaches us first, so the worker drains before the server stops.
  const child = spawn(options.cliPath, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const address = `127.0.0.1:${options.port}`;
  const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
  for (;;) {
    const early = await Promise.race([exited, delay(250).then(() => undefined)]);
    if (early !== undefined) {
      throw new Error(`temporal server start-dev exited with code ${early} before it was ready:\n${output.trim()}`);
    }
    if (await answers(address)) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`temporal server start-dev did not answer on ${address} in time:\n${output.trim()}`);
    }
  }

  return {
    address,
    uiUrl: options.uiPort !== undefined ? `http://127.0.0.1:${options.uiPort}` : undefined,
    process: child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      // The timer is cleared once the race is over: left running, it held `npm start` open 15 s after it stopped.
      let timer: NodeJS.Timeout | undefined;
      const stopped = await Promise.race([
        exited.then(() => true),
        new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), 15_000))),
      ]);
      clearTimeout(timer);
      if (!stopped) {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}

async function answers(address: string): Promise<boolean> {
  try {
    const connection = await Connection.connect({ address, connectTimeout: 1000 });
    try {
      await connection.workflowService.getSystemInfo({});
      return true;
    } finally {
      await connection.close();
    }
  } catch {
    return false;
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
