/**
 * Crash harness: the Temporal dev server and the worker as separate OS
 * processes, the fake Slack / Anthropic servers and the failpoint endpoint in
 * this process. Used by the jest tests in test/e2e and by `npm run chaos`.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import { loadConfig, type AppConfig } from '../../src/config/config';
import { getStateQuery, investigationWorkflowId, type InvestigationOutcome } from '../../src/api';
import { startDevServer, type DevServer } from '../../src/runtime/devServer';
import { FAILPOINTS_ENV } from '../../src/runtime/failpoints';
import { ensureTailWorkflow } from '../../src/client/startTail';
import { resolveTool, TEMPORAL_CLI } from '../../src/runtime/temporalTools';
import { FakeAnthropic } from '../support/fakeAnthropic';
import { FakeSlack, type PostedDm } from '../support/fakeSlack';
import { delay, eventually, withTimeout, type PollOptions } from '../support/poll';
import { freePort } from '../support/ports';
import { POLLING_MESSAGE, spawnWorkerProcess, type WorkerProcess } from '../support/workerProcess';
import { FailpointServer } from './failpointServer';

const OPERATOR = 'U0CHAOS01';

/** How the harness polls for a point: often, and a check that throws (the point was missed) ends the wait. */
export const MISS_ENDS_WAIT: PollOptions = { errorsEnd: true, everyMs: 50 };

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
      [FAILPOINTS_ENV]: failpointUrl,
    };
    this.config = loadConfig(this.env, this.options.dir);
    // Update-with-start returns once a worker has handled the update: the worker first.
    await this.spawnWorker();
    await ensureTailWorkflow(this.client, this.config);
    // The first read stamps the cursor at the end of the (empty) log; wakes appended after it are all read.
    const tail = this.client.workflow.getHandle(this.config.temporal.tailWorkflowId);
    await eventually(async () => ((await tail.query(getStateQuery)).cursor !== null ? true : undefined), 60_000, `${this.name}: tail cursor`, { ...MISS_ENDS_WAIT, everyMs: 200 });
  }

  async spawnWorker(): Promise<WorkerProcess> {
    this.lives += 1;
    // The production entry, lib/worker.js, on the workflow bundle `npm run build` made. A life is ready once it
    // polls: the tail it then re-ensures was ensured by start() already, and a kill may land before or after that.
    const worker = spawnWorkerProcess(this.env, {
      logFile: path.join(this.options.dir, `worker-${this.lives}.log`),
      keepChars: 0,
      readyMessage: POLLING_MESSAGE,
    });
    this.worker = worker;
    await worker.ready();
    return worker;
  }

  /** SIGKILLs the worker; resolves with what the kill left behind, for the run's evidence. */
  async killWorker(): Promise<{ pid: number; signal: NodeJS.Signals | null }> {
    const worker = this.worker!;
    return { pid: worker.pid, signal: (await worker.stop('SIGKILL')).signal };
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
    return this.slack.posted.filter((dm) => dm.metadata?.event_payload?.key === workflowId);
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
    await this.worker?.stop('SIGKILL');
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
