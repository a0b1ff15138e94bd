/**
 * Crash harness: the Temporal dev server and the worker as separate OS
 * processes, the fake Slack / Anthropic servers and the failpoint endpoint in
 * this process. Used by the jest tests in test/e2e and by `npm run chaos`.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { loadConfig, type AppConfig } from '../../src/config/config';
import { getIncidentQuery, getStateQuery, investigationWorkflowId, threadReplyKey, type IncidentSnapshot } from '../../src/api';
import { INVESTIGATION_RUNNING } from '../../src/domain/incidentMessage';
import { startDevServer, type DevServer } from '../../src/runtime/devServer';
import { FAILPOINTS_ENV } from '../../src/runtime/failpoints';
import { ensureTailWorkflow } from '../../src/client/startTail';
import { resolveTool, TEMPORAL_CLI } from '../../src/runtime/temporalTools';
import { FakeAnthropic } from '../support/fakeAnthropic';
import { FakeSlack, type PostedDm } from '../support/fakeSlack';
import { delay, eventually, type PollOptions } from '../support/poll';
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

/** What the incident of one wake came to, read from the investigation's getIncident query and the fake Slack's record. */
export interface IncidentOutcome {
  phase: IncidentSnapshot['phase'];
  investigated: boolean;
  /** Slack holds the root at its diagnosis revision. */
  dmSent: boolean;
  /** Where the workflow state says the root is. */
  slackTs?: string;
}

export interface WakeVerdict extends WakeTarget {
  /**
   * The incident reached the end the run waits for (the investigation lives for its whole window, so
   * not the workflow's completion): the root at its diagnosis revision with its details reply, and for a
   * recovery run also the recovered reply and the root marked recovered.
   */
  completed: boolean;
  outcome?: IncidentOutcome;
  /** Top-level messages fake Slack holds for this investigation (by the workflow ID in the message metadata). */
  dms: number;
  /** Their Slack timestamps. */
  dmTs: string[];
  /** Thread replies on the root: the details reply and (after a recovery) the recovered reply, by key. */
  detailsReplies: number;
  recoveredReplies: number;
  /** Messages other than this wake's root that took an edit naming this wake, plus edits of its replies. */
  wrongEdits: number;
  error?: string;
}

export interface VerdictOptions {
  /** Also wait for the recovered reply and the root marked recovered. */
  recovery?: boolean;
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

  /** Top-level messages (roots) of one investigation: only ever one may exist. */
  dmsOf(workflowId: string): PostedDm[] {
    return this.slack.roots.filter((dm) => dm.key === workflowId);
  }

  /**
   * Its root as Slack holds it now: posted, and at its diagnosis revision (the alert edited into the final
   * text, or, when the diagnosis came before the paced alert went out, posted with it at once).
   */
  diagnosedRoot(workflowId: string): PostedDm | undefined {
    const root = this.dmsOf(workflowId)[0];
    return root && !root.text.includes(INVESTIGATION_RUNNING) ? root : undefined;
  }

  /** Healthy `probe.result` rows for the probe (the tail closes its windows after PROBE_RECOVERY_CONFIRMATIONS, default 2). */
  async appendHealthy(probe: string, count: number): Promise<void> {
    const row = () => JSON.stringify({ ts: new Date().toISOString(), event: 'probe.result', probe, status: 'healthy', summary: 'chaos: healthy again' });
    await fs.appendFile(this.auditLog, Array.from({ length: count }, () => `${row()}\n`).join(''));
  }

  /**
   * Waits for each target's incident to reach its diagnosis (and recovery, when asked), then reads the
   * fake Slack's record. Never throws: a miss is a verdict.
   */
  async verdicts(targets: WakeTarget[], timeoutMs: number, options: VerdictOptions = {}): Promise<WakeVerdict[]> {
    const deadline = Date.now() + timeoutMs;
    const reached = await Promise.all(
      targets.map(async (target) => {
        try {
          const snapshot = await eventually(() => this.settled(target, options), Math.max(1, deadline - Date.now()), `${target.workflowId} to settle`, { everyMs: 250 });
          return { target, snapshot };
        } catch (err) {
          return { target, error: err instanceof Error ? err.message : String(err) };
        }
      }),
    );
    // Counted once all are done, so a late duplicate of an early one is still seen.
    await delay(1_000);
    return reached.map(({ target, snapshot, error }) => {
      const roots = this.dmsOf(target.workflowId);
      const root = roots[0];
      const replies = root ? this.slack.repliesTo(root.ts) : [];
      const outcome: IncidentOutcome | undefined = snapshot && {
        phase: snapshot.phase,
        investigated: snapshot.phase === 'investigated' || (snapshot.phase === 'recovered' && root?.text.includes('I was unable to investigate') === false),
        dmSent: this.diagnosedRoot(target.workflowId) !== undefined,
        ...(snapshot.root ? { slackTs: snapshot.root.ts } : {}),
      };
      return {
        ...target,
        completed: snapshot !== undefined,
        ...(outcome ? { outcome } : {}),
        dms: roots.length,
        dmTs: roots.map((dm) => dm.ts),
        detailsReplies: replies.filter((m) => m.key === threadReplyKey(target.workflowId, 'details')).length,
        recoveredReplies: replies.filter((m) => m.key === threadReplyKey(target.workflowId, 'recovered')).length,
        wrongEdits: this.wrongEdits(target, root),
        ...(error ? { error } : {}),
      };
    });
  }

  private wrongEdits(target: WakeTarget, root: PostedDm | undefined): number {
    // The category shows in the root's context line (Block Kit); each edit carries its blocks.
    const names = (edit: PostedDm['edits'][number]) => JSON.stringify([edit.text, edit.blocks ?? []]).includes(target.category);
    const elsewhere = this.slack.dms.filter((m) => m !== root && m.edits.some((e) => (m.threadTs ? true : names(e))));
    const ownReplies = root ? this.slack.repliesTo(root.ts).filter((m) => m.edits.length > 0) : [];
    const rootWrong = root ? root.edits.filter((e) => !names(e)).length : 0;
    return elsewhere.filter((m) => !m.threadTs).length + ownReplies.length + rootWrong;
  }

  /** The snapshot once the incident is where the run waits for it, else undefined (keep polling). */
  private async settled(target: WakeTarget, options: VerdictOptions): Promise<IncidentSnapshot | undefined> {
    let snapshot: IncidentSnapshot;
    try {
      snapshot = await this.client.workflow.getHandle(target.workflowId).query(getIncidentQuery);
    } catch {
      return undefined; // not started yet, or no worker to answer right now
    }
    const root = this.diagnosedRoot(target.workflowId);
    if (!snapshot.diagnosed || !root) return undefined;
    const replies = this.slack.repliesTo(root.ts);
    if (!replies.some((m) => m.key === threadReplyKey(target.workflowId, 'details'))) return undefined;
    if (!options.recovery) return snapshot;
    const recovered = replies.some((m) => m.key === threadReplyKey(target.workflowId, 'recovered'));
    // The root marked recovered: its Block Kit layout says so (the text keeps the DM format).
    return recovered && snapshot.phase === 'recovered' && JSON.stringify(root.blocks ?? []).includes('Recovered') ? snapshot : undefined;
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

export interface Summary {
  wakes: number;
  completed: number;
  /** No root, or the diagnosis (or a recovery owed) never reached it. */
  lost: number;
  /** Second root messages (and second replies of one key). */
  duplicates: number;
  wrongEdits: number;
}

export function summarise(verdicts: WakeVerdict[], options: VerdictOptions = {}): Summary {
  return {
    wakes: verdicts.length,
    completed: verdicts.filter((v) => v.completed && v.outcome?.investigated && v.outcome.dmSent).length,
    lost: verdicts.filter((v) => !v.completed || v.dms === 0 || v.detailsReplies === 0 || (options.recovery && v.recoveredReplies === 0)).length,
    duplicates: verdicts.reduce((sum, v) => sum + Math.max(0, v.dms - 1) + Math.max(0, v.detailsReplies - 1) + Math.max(0, v.recoveredReplies - 1), 0),
    wrongEdits: verdicts.reduce((sum, v) => sum + v.wrongEdits, 0),
  };
}
