import { execFile } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { loadConfig, type AppConfig } from '../../src/config/config';
import { ensureTailWorkflow, tailSettingsFrom } from '../../src/client/startTail';
import { createProbeWakeWorker } from '../../src/worker/createWorker';
import { getStateQuery, type TailStateView } from '../../src/api';
import { FakeAnthropic } from './fakeAnthropic';
import { FakeSlack } from './fakeSlack';
import { devServerEnv, workflowBundle } from './temporal';
import { eventually } from './poll';
import { environmentWithoutOurs } from './workerProcess';

export const ROOT = path.resolve(__dirname, '..', '..');
export const CLI = path.join(ROOT, 'lib', 'cli', 'index.js');

/** Variables the pipeline sets; stripped from the inherited environment so a developer's shell cannot leak in. */

export interface Pipeline {
  env: TestWorkflowEnvironment;
  slack: FakeSlack;
  anthropic: FakeAnthropic;
  /** host:port of the dev server's gRPC. */
  address: string;
  auditLog: string;
  config: AppConfig;
  /** The full environment a child process (the CLI) gets: same settings as the in-process worker. */
  childEnv: NodeJS.ProcessEnv;
  state(): Promise<TailStateView>;
  /** Appends a wake row for (probe, category) and returns its wake ID. */
  appendWake(probe: string, category: string, extra?: Record<string, unknown>): string;
  stop(): Promise<void>;
}

let wakeCounter = 0;

/**
 * A real dev server, the real worker (in this process) with the tail running,
 * and the fake Slack / Anthropic servers: what `npm start` runs, minus the
 * process boundary, so tests can drive it from outside with CLIs.
 */
export async function startPipeline(options: { uiPort?: number } = {}): Promise<Pipeline> {
  const slack = new FakeSlack();
  const anthropic = new FakeAnthropic();
  const [env, bundle, slackBase, anthropicBase] = await Promise.all([devServerEnv(options), workflowBundle(), slack.start(), anthropic.start()]);
  const tmp = mkdtempSync(path.join(tmpdir(), 'probe-wake-ops-'));
  const auditLog = path.join(tmp, 'audit.jsonl');
  writeFileSync(auditLog, '');
  const address = env.address;
  const vars: Record<string, string> = {
    AUDIT_LOG_PATH: auditLog,
    SLACK_BOT_TOKEN: 'xoxb-fake-ops-token',
    SLACK_OPERATOR_USER_ID: 'U024BE7LH',
    SLACK_API_URL: slack.apiUrl(slackBase),
    ANTHROPIC_API_KEY: 'sk-ant-fake-ops-key',
    ANTHROPIC_BASE_URL: anthropicBase,
    PROBE_WAKE_POLL_SEC: '0.2',
    PROBE_DEBOUNCE_SECONDS: '600',
    // No TEMPORAL_ADDRESS: the CLI must find the server as it finds `npm start`'s, by the dev port.
    TEMPORAL_DEV_PORT: address.split(':').pop()!,
    LOG_LEVEL: 'warn',
  };
  const childEnv = { ...environmentWithoutOurs(), ...vars };
  const config = loadConfig(vars, tmp);

  const worker = await createProbeWakeWorker({ connection: env.nativeConnection, config, workflowBundle: bundle, shutdownGraceTime: '1s' });
  const running = worker.run();
  const handle = env.client.workflow.getHandle(config.temporal.tailWorkflowId);
  const pipeline: Pipeline = {
    env,
    slack,
    anthropic,
    address,
    auditLog,
    config,
    childEnv,
    state: () => handle.query(getStateQuery),
    appendWake(probe, category, extra = {}) {
      wakeCounter += 1;
      const wakeId = `w-ops-${process.pid}-${wakeCounter}`;
      const row = { ts: new Date().toISOString(), event: 'probe.wake_requested', wake_id: wakeId, probe, issue_category: category, severity: 'critical', summary: 'Fly app(s) unreachable: HTTP 401', details: { status: 'unhealthy', error: 'HTTP 401' }, ...extra };
      appendFileSync(auditLog, `${JSON.stringify(row)}\n`);
      return wakeId;
    },
    async stop() {
      worker.shutdown();
      await running.catch(() => undefined);
      await Promise.all([env.teardown(), slack.stop(), anthropic.stop()]);
      rmSync(tmp, { recursive: true, force: true });
    },
  };
  try {
    await ensureTailWorkflow(env.client, config, tailSettingsFrom(config));
    // Wakes count only after the tail stamped its cursor at the (empty) file's end.
    await eventually(async () => ((await pipeline.state()).cursor ? true : undefined), 30_000, 'the tail to stamp its cursor');
  } catch (err) {
    await pipeline.stop();
    throw err;
  }
  return pipeline;
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command asynchronously (the in-process worker must keep answering queries meanwhile). */
export function runCommand(file: string, args: string[], env: NodeJS.ProcessEnv, cwd = ROOT): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(file, args, { env, cwd, timeout: 60_000, maxBuffer: 10 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

/** `probe-wake <args>` as a user runs it: the built CLI as a child process. */
export function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<CliRun> {
  return runCommand(process.execPath, [CLI, ...args], env);
}
