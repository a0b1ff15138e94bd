/**
 * Crash harness: the Temporal dev server and the worker as separate OS
 * processes, the fake Slack / Anthropic servers and the failpoint endpoint in
 * this process. Used by the jest tests in test/e2e and by `npm run chaos`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { loadConfig, type AppConfig } from '../../src/config/config';
import { getStateQuery, investigationWorkflowId, type InvestigationOutcome } from '../../src/api';
import { startDevServer, type DevServer } from '../../src/runtime/devServer';
import { FAILPOINTS_ENV } from '../../src/runtime/failpoints';
import { ensureTailWorkflow } from '../../src/runtime/tailWorkflow';
import { workerProcessCommand } from '../../src/runtime/workerProcessTuning';
import { PROJECT_ROOT, resolveTool, TEMPORAL_CLI } from '../../src/runtime/temporalTools';
import { FakeAnthropic } from '../support/fakeAnthropic';
import { FakeSlack, type PostedDm } from '../support/fakeSlack';
import { FailpointServer } from './failpointServer';
import { READY_LINE } from './workerEntry';
import { freePort } from '../support/ports';
export { freePort };

/** Built by `npm run build:chaos` (npm test's pretest runs it). */
export const WORKER_ENTRY = path.join(PROJECT_ROOT, 'lib', 'chaos', 'test', 'chaos', 'workerEntry.js');

const OPERATOR = 'U0CHAOS01';

export const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** `promise`, or a rejection naming `what` after `ms`; the timer never outlives the race. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Polls `check` until it returns a value; its errors end the wait at once (they mean the point was missed). */
export async function until<T>(check: () => Promise<T | undefined> | T | undefined, timeoutMs: number, what: string, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await delay(everyMs);
  }
}

/** `temporal server start-dev` on free ports with a SQLite file, so it can be killed and restarted with its state. */
export class TemporalServer {
  private server?: DevServer;
  private constructor(
    readonly port: number,
    private readonly uiPort: number,
    readonly dbFile: string,
  ) {}

  static async start(dir: string): Promise<TemporalServer> {
    const server = new TemporalServer(await freePort(), await freePort(), path.join(dir, 'temporal.db'));
    await server.restart();
    return server;
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.server?.process.pid;
  }

  /** (Re)starts on the same port and database file; resolves once gRPC answers. */
  async restart(): Promise<void> {
    this.server = await startDevServer({ cliPath: resolveTool(TEMPORAL_CLI), port: this.port, uiPort: this.uiPort, dbFile: this.dbFile });
  }

  /** SIGKILL: no shutdown of any kind, as when the host dies. */
  async kill(): Promise<void> {
    const child = this.server?.process;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  async stop(): Promise<void> {
    await this.server?.stop();
  }
}

/** Bundles the workflows once; every worker life loads this file instead of bundling again. */
export async function prebuiltWorkflowBundle(dir: string): Promise<string> {
  // From the TypeScript source, whether this harness runs under jest or compiled.
  const workflowsPath = path.join(PROJECT_ROOT, 'src', 'workflows', 'index.ts');
  const { code } = await bundleWorkflowCode({ workflowsPath, logger: new DefaultLogger('WARN') });
  const file = path.join(dir, 'workflow-bundle.js');
  await fs.writeFile(file, code);
  return file;
}

/** One life of the worker: `node lib/chaos/test/chaos/workerEntry.js`, output appended to a log file. */
export class WorkerProcess {
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private constructor(
    private readonly child: ChildProcess,
    readonly logFile: string,
    private readonly readyPromise: Promise<void>,
  ) {
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  static spawn(env: NodeJS.ProcessEnv, logFile: string): WorkerProcess {
    if (!existsSync(WORKER_ENTRY)) throw new Error(`${WORKER_ENTRY} is missing: run \`npm run build:chaos\` (npm test's pretest does)`);
    const command = workerProcessCommand(WORKER_ENTRY, env);
    const child = spawn(process.execPath, command.args, { env: command.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const log = createWriteStream(logFile, { flags: 'a' });
    child.stderr!.pipe(log, { end: false });
    let seen = '';
    const ready = new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (chunk: Buffer) => {
        log.write(chunk);
        if (seen !== 'ready') {
          seen = (seen + chunk.toString('utf8')).slice(-4096);
          if (seen.includes(READY_LINE)) {
            seen = 'ready';
            resolve();
          }
        }
      });
      child.once('exit', (code, signal) => reject(new Error(`worker exited (code ${code}, signal ${signal}) before it was ready; see ${logFile}`)));
    });
    ready.catch(() => undefined);
    child.once('exit', () => log.end());
    return new WorkerProcess(child, logFile, ready);
  }

  get pid(): number {
    return this.child.pid!;
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  ready(timeoutMs = 60_000): Promise<void> {
    return withTimeout(this.readyPromise, timeoutMs, `the worker to be ready (see ${this.logFile})`);
  }

  /** SIGKILL and wait for the exit; resolves with the signal the process died of. */
  async kill(): Promise<NodeJS.Signals | null> {
    if (this.alive) this.child.kill('SIGKILL');
    return (await this.exited).signal;
  }
}

export interface WakeTarget {
  wakeId: string;
  probe: string;
  category: string;
  workflowId: string;
}

export interface WakeVerdict extends WakeTarget {
  /** The investigation workflow completed (within the wait). */
  completed: boolean;
  outcome?: InvestigationOutcome;
  /** DMs fake Slack accepted for this investigation (by the workflow ID in the message metadata). */
  dms: number;
  /** Their Slack timestamps. */
  dmTs: string[];
  error?: string;
}

export interface LaneOptions {
  name: string;
  dir: string;
  address: string;
  client: Client;
  bundlePath: string;
  pollSeconds: number;
}

/**
 * One probe-wake deployment: its audit log, task queue, tail workflow, fake
 * Slack and Anthropic, failpoint endpoint and worker process. Lanes share a
 * Temporal server and run side by side without touching each other.
 */
export class Lane {
  readonly slack = new FakeSlack();
  readonly anthropic = new FakeAnthropic();
  readonly failpoints = new FailpointServer();
  readonly auditLog: string;
  worker?: WorkerProcess;
  private env: NodeJS.ProcessEnv = {};
  private config?: AppConfig;
  private lives = 0;
  private wakeSeq = 0;

  constructor(readonly options: LaneOptions) {
    this.auditLog = path.join(options.dir, 'audit.jsonl');
  }

  get name(): string {
    return this.options.name;
  }

  get client(): Client {
    return this.options.client;
  }

  async start(): Promise<void> {
    const [slackBase, anthropicBase, failpointUrl] = await Promise.all([this.slack.start(), this.anthropic.start(), this.failpoints.start()]);
    await fs.mkdir(this.options.dir, { recursive: true });
    await fs.writeFile(this.auditLog, '');
    this.env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      TEMPORAL_ADDRESS: this.options.address,
      TEMPORAL_TASK_QUEUE: `chaos-${this.name}`,
      PROBE_TAIL_WORKFLOW_ID: `probe-tail-${this.name}`,
      AUDIT_LOG_PATH: this.auditLog,
      PROBE_WAKE_POLL_SEC: String(this.options.pollSeconds),
      SLACK_BOT_TOKEN: 'xoxb-chaos-bot-token',
      SLACK_OPERATOR_USER_ID: OPERATOR,
      SLACK_API_URL: this.slack.apiUrl(slackBase),
      ANTHROPIC_API_KEY: 'sk-ant-chaos-key',
      ANTHROPIC_BASE_URL: anthropicBase,
      LOG_LEVEL: 'info',
      CHAOS_WORKFLOW_BUNDLE: this.options.bundlePath,
      [FAILPOINTS_ENV]: failpointUrl,
    };
    this.config = loadConfig(this.env, this.options.dir);
    // Update-with-start returns once a worker has handled the update: the worker first.
    await this.spawnWorker();
    await ensureTailWorkflow(this.client, this.config);
    // The first read stamps the cursor at the end of the (empty) log; wakes appended after it are all read.
    const tail = this.client.workflow.getHandle(this.config.temporal.tailWorkflowId);
    await until(async () => ((await tail.query(getStateQuery)).cursor !== null ? true : undefined), 60_000, `${this.name}: tail cursor`, 200);
  }

  async spawnWorker(): Promise<WorkerProcess> {
    this.lives += 1;
    const worker = WorkerProcess.spawn(this.env, path.join(this.options.dir, `worker-${this.lives}.log`));
    this.worker = worker;
    await worker.ready();
    return worker;
  }

  /** SIGKILLs the worker; resolves with what the kill left behind, for the run's evidence. */
  async killWorker(): Promise<{ pid: number; signal: NodeJS.Signals | null }> {
    const worker = this.worker!;
    return { pid: worker.pid, signal: await worker.kill() };
  }

  /** Wake rows on distinct (probe, category) pairs, so each opens its own window and gets its own investigation. */
  newTargets(count: number, tag: string): WakeTarget[] {
    return Array.from({ length: count }, (_, i) => {
      this.wakeSeq += 1;
      const probe = `chaos-${this.name}`;
      const category = `${tag}-w${i}-${this.wakeSeq}`;
      const wakeId = `wake-${this.name}-${this.wakeSeq}`;
      return { wakeId, probe, category, workflowId: investigationWorkflowId(probe, category, wakeId) };
    });
  }

  /** Appends the rows in one write, as one probe run would. */
  async append(targets: WakeTarget[]): Promise<void> {
    const rows = targets.map((t) =>
      JSON.stringify({
        ts: new Date().toISOString(),
        event: 'probe.wake_requested',
        wake_id: t.wakeId,
        probe: t.probe,
        issue_category: t.category,
        severity: 'critical',
        summary: `chaos wake ${t.wakeId}`,
        details: { status: 'unhealthy', error: 'chaos' },
      }),
    );
    await fs.appendFile(this.auditLog, rows.map((row) => `${row}\n`).join(''));
  }

  dmsOf(workflowId: string): PostedDm[] {
    return this.slack.posted.filter((dm) => dm.metadata?.event_payload?.workflow_id === workflowId);
  }

  /** Waits for each target's investigation to complete, then counts its DMs. Never throws: a miss is a verdict. */
  async verdicts(targets: WakeTarget[], timeoutMs: number): Promise<WakeVerdict[]> {
    const deadline = Date.now() + timeoutMs;
    const verdicts = await Promise.all(
      targets.map(async (target): Promise<WakeVerdict> => {
        try {
          const outcome = await this.outcome(target.workflowId, deadline);
          return { ...target, completed: true, outcome, dms: 0, dmTs: [] };
        } catch (err) {
          return { ...target, completed: false, dms: 0, dmTs: [], error: err instanceof Error ? err.message : String(err) };
        }
      }),
    );
    // Counted once all are done, so a late duplicate of an early one is still seen.
    await delay(500);
    return verdicts.map((v) => {
      const dmTs = this.dmsOf(v.workflowId).map((dm) => dm.ts);
      return { ...v, dms: dmTs.length, dmTs };
    });
  }

  private async outcome(workflowId: string, deadline: number): Promise<InvestigationOutcome> {
    const handle = this.client.workflow.getHandle(workflowId);
    for (;;) {
      try {
        return (await withTimeout(handle.result(), Math.max(0, deadline - Date.now()), `${workflowId} to complete`)) as InvestigationOutcome;
      } catch (err) {
        if (!(err instanceof WorkflowNotFoundError) || Date.now() > deadline) throw err;
        await delay(200);
      }
    }
  }

  async stop(): Promise<void> {
    await this.worker?.kill();
    await Promise.all([this.slack.stop(), this.anthropic.stop(), this.failpoints.stop()]);
  }
}

/** A client whose connection outlives server restarts (gRPC reconnects on its own). */
export async function connectClient(address: string): Promise<{ client: Client; close: () => Promise<void> }> {
  const connection = await Connection.connect({ address });
  return { client: new Client({ connection }), close: () => connection.close() };
}

export function summarise(verdicts: WakeVerdict[]): { wakes: number; completed: number; lost: number; duplicates: number } {
  return {
    wakes: verdicts.length,
    completed: verdicts.filter((v) => v.completed && v.outcome?.investigated && v.outcome.dmSent).length,
    lost: verdicts.filter((v) => !v.completed || v.dms === 0).length,
    duplicates: verdicts.reduce((sum, v) => sum + Math.max(0, v.dms - 1), 0),
  };
}
