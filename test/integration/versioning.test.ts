/**
 * The versioning deploy test: Worker Versioning on the real dev server, with the real workflows.
 * An investigation waiting for its fix approval stays on the build it started on (A) while a new
 * build (B: the same workflows with a changed investigation) is deployed and made current; the
 * approval is carried out by A's code, and a new investigation starts on B. Workers start as in
 * production (createProbeWakeWorker) against the Slack, Anthropic and fix webhook fakes. Also: the
 * real workflows declare their behaviours (investigations pinned, the tail and the outbox auto-upgrading).
 */
import { decodeVersioningBehavior } from '@temporalio/common/lib/worker-deployments';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, type Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { fixIdempotencyKey, getIncidentQuery, investigationWorkflowId, operatorActionUpdate, outboxWorkflowId, type IncidentSnapshot, type InvestigationOutcome } from '../../src/api';
import type { Wake } from '../../src/domain/auditRow';
import { loadConfig } from '../../src/config/config';
import { tailSettingsFrom } from '../../src/client/startTail';
import type { RolloutDecision } from '../../src/domain/deploymentRollout';
import { createProbeWakeWorker } from '../../src/worker/createWorker';
import { derivedBuildId } from '../../src/worker/deploymentVersion';
import { FakeAnthropic } from '../support/fakeAnthropic';
import { FakeFixWebhook } from '../support/fakeFixWebhook';
import { FakeSlack } from '../support/fakeSlack';
import { flyWake } from '../support/fixtures';
import { eventually } from '../support/poll';
import { devServerEnv, workflowBundle } from '../support/temporal';
import { BUILD_B_MARK } from '../support/versioning/buildMark';

const SECRET = 'versioning-test-webhook-secret-0123456789abcdef';
const FIX = 'restart_unhealthy_machine';
const OPERATOR = 'U024BE7LH';

describe('Worker Versioning', () => {
  let env: TestWorkflowEnvironment;
  let buildA: WorkflowBundleWithSourceMap;
  let buildB: WorkflowBundleWithSourceMap;
  let tmp: string;
  let webhookUrl: string;
  let slackBase: string;
  let anthropicBase: string;
  const webhook = new FakeFixWebhook(SECRET);
  const slack = new FakeSlack();
  const anthropic = new FakeAnthropic();
  const running: Array<{ worker: Worker; done: Promise<void> }> = [];

  beforeAll(async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'probe-versioning-'));
    writeFileSync(path.join(tmp, 'audit.jsonl'), '');
    // Build A is the real workflows bundle; build B the same workflows with a changed investigation.
    [env, buildA, buildB, webhookUrl, slackBase, anthropicBase] = await Promise.all([
      devServerEnv(),
      workflowBundle(),
      bundleWorkflowCode({ workflowsPath: require.resolve('../support/versioning/investigationBuildB'), logger: new DefaultLogger('WARN') }),
      webhook.start(),
      slack.start(),
      anthropic.start(),
    ]);
  });
  afterEach(async () => {
    for (const { worker } of running) if (worker.getState() === 'RUNNING') worker.shutdown();
    await Promise.all(running.splice(0).map((r) => r.done));
  });
  afterAll(async () => {
    await Promise.all([env?.teardown(), webhook.stop(), slack.stop(), anthropic.stop()]);
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  /** A worker's environment that offers the fix: Slack and Anthropic fakes, a webhook runner for FIX. */
  function fixEnv(): Record<string, string> {
    return {
      AUDIT_LOG_PATH: path.join(tmp, 'audit.jsonl'),
      SLACK_BOT_TOKEN: 'xoxb-versioning-test-token',
      SLACK_OPERATOR_USER_ID: OPERATOR,
      SLACK_API_URL: slack.apiUrl(slackBase),
      ANTHROPIC_API_KEY: 'sk-ant-versioning-test-key',
      ANTHROPIC_BASE_URL: anthropicBase,
      FIX_WEBHOOK_SECRET: SECRET,
      PROBE_FIX_RUNNERS: JSON.stringify({ [FIX]: { url: webhookUrl, secretEnv: 'FIX_WEBHOOK_SECRET' } }),
    };
  }

  /** Starts a worker of `bundle` the way production does (createProbeWakeWorker); resolves with its current-version decision. */
  async function deploy(taskQueue: string, bundle: WorkflowBundleWithSourceMap, extra: Record<string, string> = {}): Promise<RolloutDecision> {
    return (await deployWorker(taskQueue, bundle, extra)).decision;
  }

  async function deployWorker(taskQueue: string, bundle: WorkflowBundleWithSourceMap, extra: Record<string, string> = {}) {
    let decided!: (d: RolloutDecision) => void;
    const decision = new Promise<RolloutDecision>((resolve) => (decided = resolve));
    const config = loadConfig({ TEMPORAL_TASK_QUEUE: taskQueue, ...extra }, process.cwd());
    const worker = await createProbeWakeWorker({ connection: env.nativeConnection, config, workflowBundle: bundle, shutdownGraceTime: '1s', onCurrentVersion: decided });
    const done = worker.run();
    running.push({ worker, done });
    return { decision: await decision, stop: () => (worker.shutdown(), done) };
  }

  async function currentBuild(deploymentName: string): Promise<string | undefined> {
    const { workerDeploymentInfo } = await env.client.workflowService.describeWorkerDeployment({ namespace: 'default', deploymentName });
    return workerDeploymentInfo?.routingConfig?.currentDeploymentVersion?.buildId || undefined;
  }

  async function versioningOf(workflowId: string) {
    const info = (await env.client.workflow.getHandle(workflowId).describe()).raw.workflowExecutionInfo?.versioningInfo;
    return { behavior: decodeVersioningBehavior(info?.behavior), buildId: info?.deploymentVersion?.buildId };
  }

  /** The build IDs that completed the workflow's tasks, as its history records them. */
  async function taskBuildIds(workflowId: string): Promise<string[]> {
    const { events } = await env.client.workflow.getHandle(workflowId).fetchHistory();
    const ids = (events ?? []).flatMap((e) => (e.workflowTaskCompletedEventAttributes ? [e.workflowTaskCompletedEventAttributes.deploymentVersion?.buildId ?? '(none)'] : []));
    return [...new Set(ids)];
  }

  /** A real investigation of a wake whose envelope enables FIX (no window: it ends once the fix's result is in). */
  function startInvestigation(taskQueue: string, wakeId: string): Promise<WorkflowHandle> {
    const wake: Wake = {
      wakeId,
      ts: '2026-12-02T03:00:00.000Z',
      probe: 'fly',
      category: 'auth',
      severity: 'critical',
      summary: 'Fly app(s) unreachable: HTTP 401',
      offset: 0,
      envelope: { enabled: true, fixName: FIX },
    };
    return env.client.workflow.start('probeInvestigationWorkflow', { taskQueue, workflowId: investigationWorkflowId(wake.probe, wake.category, wakeId), args: [{ wake, windowKey: wakeId }] });
  }

  /** Waits for the fix's offer: the incident diagnosed and its "waits for approval" line in the thread. */
  async function fixOffered(handle: WorkflowHandle): Promise<void> {
    await eventually(
      async () => {
        const incident = (await handle.query(getIncidentQuery)) as IncidentSnapshot;
        const root = incident.root;
        return incident.diagnosed && root && slack.posted.some((m) => m.threadTs === root.ts && m.text.startsWith(`🛠️ Fix \`${FIX}\` waits for approval`)) ? true : undefined;
      },
      60_000,
      `the fix offered in ${handle.workflowId}`,
    );
  }

  it('a real investigation waiting for its fix approval finishes on build A while build B is deployed; a new investigation runs on B', async () => {
    const taskQueue = 'deploy-1';
    const [a, b] = [derivedBuildId(buildA.code), derivedBuildId(buildB.code)];
    expect(a).not.toBe(b);
    expect(a).toMatch(/^0\.1\.0-[0-9a-f]{12}$/);

    const first = await deployWorker(taskQueue, buildA, fixEnv());
    expect(first.decision).toBe('become_current');
    expect(await currentBuild(taskQueue)).toBe(a);
    const pending = await startInvestigation(taskQueue, 'w-deploy-pending');
    await fixOffered(pending);
    expect(await versioningOf(pending.workflowId)).toEqual({ behavior: 'PINNED', buildId: a });
    // The outbox the investigation delivers through started on A too.
    expect(await versioningOf(outboxWorkflowId(taskQueue))).toEqual({ behavior: 'AUTO_UPGRADE', buildId: a });

    // The deploy: build B starts beside A and makes itself current.
    expect(await deploy(taskQueue, buildB, fixEnv())).toBe('become_current');
    expect(await currentBuild(taskQueue)).toBe(b);
    // A's worker restarting during the rollout does not take current back, and still serves what is pinned to A.
    await first.stop();
    expect(await deploy(taskQueue, buildA, fixEnv())).toBe('newer_is_current');
    expect(await currentBuild(taskQueue)).toBe(b);

    const fresh = await startInvestigation(taskQueue, 'w-deploy-fresh');
    await fixOffered(fresh);
    expect(await versioningOf(fresh.workflowId)).toEqual({ behavior: 'PINNED', buildId: b });

    for (const [handle, n] of [[pending, 1], [fresh, 2]] as const) {
      const requestId = `cli:deploy-approve-${n}`;
      expect(await handle.executeUpdate(operatorActionUpdate, { args: [{ action: 'fix_approve', actor: OPERATOR, requestId, source: 'cli' }], updateId: requestId })).toEqual({
        changed: true,
        message: `Approved, running ${FIX}: its result goes in the thread.`,
      });
    }
    const [pendingOutcome, freshOutcome] = (await Promise.all([pending.result(), fresh.result()])) as InvestigationOutcome[];
    // The pending one ran A's code to the end; the new one B's.
    expect(pendingOutcome).toMatchObject({ investigated: true, closedBecause: 'delivered' });
    expect(pendingOutcome!.text).not.toContain(BUILD_B_MARK);
    expect(freshOutcome).toMatchObject({ investigated: true, closedBecause: 'delivered' });
    expect(freshOutcome!.text.endsWith(BUILD_B_MARK)).toBe(true);
    // Each approved fix was carried out once, by its own key.
    expect(webhook.executionsOf(fixIdempotencyKey(pending.workflowId, FIX))).toBe(1);
    expect(webhook.executionsOf(fixIdempotencyKey(fresh.workflowId, FIX))).toBe(1);
    expect(webhook.calls.map((c) => c.refused)).toEqual([undefined, undefined]);
    expect(await versioningOf(pending.workflowId)).toEqual({ behavior: 'PINNED', buildId: a });
    expect(await versioningOf(fresh.workflowId)).toEqual({ behavior: 'PINNED', buildId: b });
    // The outbox, delivering for both, moved to the current build at its next task.
    expect(await versioningOf(outboxWorkflowId(taskQueue))).toEqual({ behavior: 'AUTO_UPGRADE', buildId: b });
    // Every workflow task of the pending one, the approval's included, was completed by a worker of build A.
    expect(await taskBuildIds(pending.workflowId)).toEqual([a]);
    expect(await taskBuildIds(fresh.workflowId)).toEqual([b]);
  });

  it('the real workflows: the investigation runs pinned to the current build, the tail auto-upgrades', async () => {
    const taskQueue = 'deploy-real';
    const bundle = await workflowBundle();
    expect(await deploy(taskQueue, bundle)).toBe('become_current');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'probe-versioning-'));
    const config = loadConfig({ TEMPORAL_TASK_QUEUE: taskQueue, AUDIT_LOG_PATH: path.join(dir, 'audit.jsonl') }, dir);
    const tail = await env.client.workflow.start('probeTailWorkflow', { taskQueue, workflowId: 'deploy-real-tail', args: [{ settings: tailSettingsFrom(config, { pollSeconds: 1 }) }] });
    await eventually(async () => ((await versioningOf(tail.workflowId)).behavior ? true : undefined), 30_000, 'the tail on a build');
    expect(await versioningOf(tail.workflowId)).toEqual({ behavior: 'AUTO_UPGRADE', buildId: derivedBuildId(bundle.code) });
    await tail.terminate();
    rmSync(dir, { recursive: true, force: true });

    const wake = flyWake();
    const workflowId = investigationWorkflowId(wake.probe, wake.category, `${wake.wakeId}-versioned`);
    const outcome = (await env.client.workflow.execute('probeInvestigationWorkflow', {
      taskQueue,
      workflowId,
      args: [{ wake, windowKey: `${wake.wakeId}-versioned` }],
    })) as InvestigationOutcome;
    expect(outcome.reason).toBe('engine_unavailable');
    expect(await versioningOf(workflowId)).toEqual({ behavior: 'PINNED', buildId: derivedBuildId(bundle.code) });
  });
});
