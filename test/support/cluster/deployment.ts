import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { getStateQuery, type DiagnosisOutcome } from '../../../src/api';
import { diagnosisOf } from '../diagnosis';
import { FakeAnthropic } from '../fakeAnthropic';
import { FakeSlack } from '../fakeSlack';
import { eventually } from '../poll';
import { freePort } from '../ports';
import { environmentWithoutOurs, startWorkerProcess, WORKER_JS, type WorkerProcess } from '../workerProcess';

export const CLI_JS = path.resolve(__dirname, '..', '..', '..', 'lib', 'cli', 'index.js');

export function wakeRow(wakeId: string, probe: string, category: string, severity = 'warning'): string {
  return JSON.stringify({ ts: new Date().toISOString(), event: 'probe.wake_requested', wake_id: wakeId, probe, issue_category: category, severity, summary: `${probe} ${category}` }) + '\n';
}

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * One probe-wake deployment on a cluster: its own namespace-scoped task queue, tail workflow ID and
 * audit log; the fakes; production workers as processes (`node lib/worker.js`) and the CLI.
 */
export class ClusterDeployment {
  readonly slack = new FakeSlack();
  readonly anthropic = new FakeAnthropic();
  readonly workers: WorkerProcess[] = [];
  readonly auditLog: string;
  readonly tailId: string;
  readonly taskQueue: string;
  client!: Client;
  private connection!: Connection;
  private slackBase = '';
  private anthropicBase = '';

  constructor(readonly address: string, readonly namespace: string, readonly name: string, dir: string, private readonly extra: NodeJS.ProcessEnv = {}) {
    this.auditLog = path.join(dir, `audit-${name}.jsonl`);
    this.tailId = `probe-tail-${name}`;
    this.taskQueue = `probe-wake-${name}`;
  }

  async start(): Promise<this> {
    await fs.writeFile(this.auditLog, '');
    [this.slackBase, this.anthropicBase] = await Promise.all([this.slack.start(), this.anthropic.start()]);
    this.connection = await Connection.connect({ address: this.address });
    this.client = new Client({ connection: this.connection, namespace: this.namespace });
    return this;
  }

  async stop(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.stop('SIGKILL')));
    await this.connection?.close();
    await Promise.all([this.slack.stop(), this.anthropic.stop()]);
  }

  env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    return {
      ...environmentWithoutOurs(),
      NODE_ENV: 'production',
      TEMPORAL_ADDRESS: this.address,
      TEMPORAL_NAMESPACE: this.namespace,
      TEMPORAL_TASK_QUEUE: this.taskQueue,
      PROBE_TAIL_WORKFLOW_ID: this.tailId,
      AUDIT_LOG_PATH: this.auditLog,
      PROBE_WAKE_POLL_SEC: '0.5',
      PROBE_DEBOUNCE_SECONDS: '600',
      PROBE_WAKE_METRICS_ADDRESS: 'off',
      PROBE_WAKE_SHUTDOWN_GRACE_SEC: '2',
      SLACK_BOT_TOKEN: 'xoxb-cluster-test',
      SLACK_OPERATOR_USER_ID: 'U024BE7LH',
      SLACK_API_URL: this.slack.apiUrl(this.slackBase),
      ANTHROPIC_API_KEY: 'sk-ant-cluster-test',
      ANTHROPIC_BASE_URL: this.anthropicBase,
      ...this.extra,
      ...extra,
    };
  }

  async startWorker(extra: NodeJS.ProcessEnv = {}): Promise<WorkerProcess> {
    const worker = await startWorkerProcess(this.env(extra), 90_000);
    this.workers.push(worker);
    return worker;
  }

  cli(args: string[], extra: NodeJS.ProcessEnv = {}): Promise<CliResult> {
    return this.run(CLI_JS, args, extra);
  }

  /** `node lib/worker.js` to its exit, for a worker that is expected to refuse to start. */
  workerToExit(extra: NodeJS.ProcessEnv = {}): Promise<CliResult> {
    return this.run(WORKER_JS, [], extra);
  }

  private run(script: string, args: string[], extra: NodeJS.ProcessEnv): Promise<CliResult> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [script, ...args], { env: this.env(extra) });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
      child.once('close', (status) => resolve({ status, stdout, stderr }));
    });
  }

  append(text: string): Promise<void> {
    return fs.appendFile(this.auditLog, text);
  }

  state() {
    return this.client.workflow.getHandle(this.tailId).query(getStateQuery);
  }

  /** The tail stamps its cursor at the end of the file on its first read; rows appended after that are new. */
  cursorStamped(): Promise<true> {
    return eventually(async () => ((await this.state()).cursor ? (true as const) : undefined), 60_000, 'tail cursor');
  }

  /** The investigation's outcome as of its diagnosis (it then lives on until its window closes), once the tail has started it. */
  async diagnosis(workflowId: string): Promise<DiagnosisOutcome> {
    const handle = this.client.workflow.getHandle(workflowId);
    await eventually(async () => ((await handle.describe()) ? true : undefined), 90_000, `investigation ${workflowId} started`);
    return diagnosisOf(this.client, workflowId, 90_000);
  }

  /** Root messages (top-level DMs) posted so far, per investigation workflow ID (from the message metadata); thread replies are not counted. */
  dmsByInvestigation(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const dm of this.slack.roots) {
      const id = String(dm.metadata?.event_payload?.key ?? dm.text);
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    return counts;
  }
}

export { freePort };
