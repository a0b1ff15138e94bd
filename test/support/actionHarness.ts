import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createAddSilence } from '../../src/activities/operatorActions';
import { windowClosedSignal, type WindowFacts } from '../../src/api';
import type { Wake } from '../../src/domain/auditRow';
import type { OperatorActionRow } from '../../src/domain/operatorActions';
import type { StandInTailResult } from './actionWorkflows/standInTail';
import { closeOutbox, incidentDelivery, type IncidentMessages } from './deliveryMocks';
import { mockModel, textTurn } from './modelMocks';

export interface ActionCalls extends IncidentMessages {
  rows: OperatorActionRow[];
  /** Attempts of the addSilence activity. */
  addSilenceAttempts: number;
}

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;
function actionBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({ workflowsPath: require.resolve('./actionWorkflows'), logger: new DefaultLogger('WARN') });
  return bundle;
}

/**
 * One investigation, started as the child of a stand-in tail (actionWorkflows/standInTail.ts), on the
 * given server against mocked model and Slack activities, the real outbox workflow, and the real
 * addSilence activity (it executes the Update on the stand-in tail with the activity's client).
 * `during` acts on the investigation while it runs; the window then expires (or the tail closes it).
 */
export async function runWithTail(
  env: TestWorkflowEnvironment,
  wake: Wake,
  taskQueue: string,
  window: WindowFacts,
  during: (investigation: WorkflowHandle, calls: ActionCalls) => Promise<void>,
  /** How the incident ends after `during`: its window expires (time skips to it), or closes at once (as a reset would). */
  end: 'expire' | 'close' = 'close',
): Promise<{ tail: StandInTailResult; calls: ActionCalls; workflowId: string }> {
  const calls: ActionCalls = { rootPosts: [], updates: [], replies: [], rows: [], addSilenceAttempts: 0 };
  const workflowId = `probe-investigation:${wake.probe}:${wake.category}:${taskQueue}`;
  const addSilence = createAddSilence('probe-tail-not-used');
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await actionBundle(),
    activities: {
      ...mockModel(() => undefined, async () => textTurn('Token rotated.\nNext step: mint a new token.')),
      appendOperatorActionRow: async (row: OperatorActionRow) => {
        calls.rows.push(row);
        return { appended: true };
      },
      addSilence: async (input: Parameters<typeof addSilence>[0]) => {
        calls.addSilenceAttempts += 1;
        return addSilence(input);
      },
      ...incidentDelivery(workflowId, calls),
      incidentSettings: async () => ({}),
    },
  });
  const tail = await worker.runUntil(async () => {
    const tailHandle = await env.client.workflow.start('probeTailWorkflow', {
      taskQueue,
      workflowId: `probe-tail:${taskQueue}`,
      args: [{ workflowId, input: { wake, windowKey: taskQueue, window } }],
    });
    const investigation = env.client.workflow.getHandle(workflowId);
    await during(investigation, calls);
    if (end === 'close') await investigation.signal(windowClosedSignal, { reason: 'reset', atMs: await env.currentTimeMs() }).catch(() => undefined);
    const result = (await tailHandle.result()) as StandInTailResult;
    await closeOutbox(env.client, taskQueue);
    return result;
  });
  return { tail, calls, workflowId };
}
