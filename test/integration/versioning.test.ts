/**
 * The versioning deploy test: Worker Versioning on the real dev server. A workflow that
 * waits for its approval stays on the build it started on while a new build is deployed
 * and made current; new workflows start on the new build. Also: the real workflows declare
 * their behaviours (investigations pinned, the outbox and tail auto-upgrading).
 */
import { decodeVersioningBehavior } from '@temporalio/common/lib/worker-deployments';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, type Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { investigationWorkflowId, type InvestigationOutcome } from '../../src/api';
import { loadConfig } from '../../src/config/config';
import { tailSettingsFrom } from '../../src/client/startTail';
import type { RolloutDecision } from '../../src/domain/deploymentRollout';
import { createProbeWakeWorker } from '../../src/worker/createWorker';
import { derivedBuildId } from '../../src/worker/deploymentVersion';
import { flyWake } from '../support/fixtures';
import { eventually } from '../support/poll';
import { devServerEnv, workflowBundle } from '../support/temporal';

const bundleOf = (file: string) => bundleWorkflowCode({ workflowsPath: require.resolve(file), logger: new DefaultLogger('WARN') });

describe('Worker Versioning', () => {
  let env: TestWorkflowEnvironment;
  let buildA: WorkflowBundleWithSourceMap;
  let buildB: WorkflowBundleWithSourceMap;
  const running: Array<{ worker: Worker; done: Promise<void> }> = [];

  beforeAll(async () => {
    [env, buildA, buildB] = await Promise.all([devServerEnv(), bundleOf('../support/versioning/buildA'), bundleOf('../support/versioning/buildB')]);
  });
  afterEach(async () => {
    for (const { worker } of running) if (worker.getState() === 'RUNNING') worker.shutdown();
    await Promise.all(running.splice(0).map((r) => r.done));
  });
  afterAll(() => env?.teardown());

  /** Starts a worker of `bundle` the way production does (createProbeWakeWorker); resolves with its current-version decision. */
  async function deploy(taskQueue: string, bundle: WorkflowBundleWithSourceMap): Promise<RolloutDecision> {
    return (await deployWorker(taskQueue, bundle)).decision;
  }

  async function deployWorker(taskQueue: string, bundle: WorkflowBundleWithSourceMap) {
    let decided!: (d: RolloutDecision) => void;
    const decision = new Promise<RolloutDecision>((resolve) => (decided = resolve));
    const config = loadConfig({ TEMPORAL_TASK_QUEUE: taskQueue }, process.cwd());
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

  it('a pending workflow finishes on the build it started on; after the deploy new ones start on the new build', async () => {
    const taskQueue = 'deploy-1';
    const [a, b] = [derivedBuildId(buildA.code), derivedBuildId(buildB.code)];
    expect(a).not.toBe(b);
    expect(a).toMatch(/^0\.1\.0-[0-9a-f]{12}$/);

    const first = await deployWorker(taskQueue, buildA);
    expect(first.decision).toBe('become_current');
    expect(await currentBuild(taskQueue)).toBe(a);
    const pending = await env.client.workflow.start('pendingApprovalWorkflow', { taskQueue, workflowId: 'deploy-pending' });
    const PINNED = 'PINNED';
    await eventually(async () => ((await versioningOf(pending.workflowId)).buildId === a ? true : undefined), 30_000, 'the pending workflow on build A');
    expect(await versioningOf(pending.workflowId)).toEqual({ behavior: PINNED, buildId: a });

    // The deploy: build B starts beside A and makes itself current.
    expect(await deploy(taskQueue, buildB)).toBe('become_current');
    expect(await currentBuild(taskQueue)).toBe(b);
    // A's worker restarting during the rollout does not take current back, and still serves what is pinned to A.
    await first.stop();
    expect(await deploy(taskQueue, buildA)).toBe('newer_is_current');
    expect(await currentBuild(taskQueue)).toBe(b);

    const fresh = await env.client.workflow.start('pendingApprovalWorkflow', { taskQueue, workflowId: 'deploy-fresh' });
    await eventually(async () => ((await versioningOf(fresh.workflowId)).buildId === b ? true : undefined), 30_000, 'the new workflow on build B');

    await pending.signal('approve', 'U024BE7LH');
    await fresh.signal('approve', 'U024BE7LH');
    expect(await pending.result()).toBe('build A: approved by U024BE7LH');
    expect(await fresh.result()).toBe('build B: approved by U024BE7LH');
    expect(await versioningOf(pending.workflowId)).toEqual({ behavior: PINNED, buildId: a });
    expect(await versioningOf(fresh.workflowId)).toEqual({ behavior: PINNED, buildId: b });
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
