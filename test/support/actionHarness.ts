import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { DeliverMessageInput, DeliverMessageResult } from '../../src/activities/deliverMessage';
import { enqueueMessage } from '../../src/activities/enqueueMessage';
import { createAddSilence } from '../../src/activities/operatorActions';
import { getOutboxQuery, outboxWorkflowId, windowClosedSignal, type WindowFacts } from '../../src/api';
import type { Wake } from '../../src/domain/auditRow';
import { DEFAULT_DELIVERY_HORIZON_MS } from '../../src/domain/delivery';
import type { OperatorActionRow } from '../../src/domain/operatorActions';
import type { StandInTailResult } from './actionWorkflows/standInTail';
import { outboxSettled } from './deliveryMocks';
import { mockModel, textTurn } from './modelMocks';

type PostInput = Extract<DeliverMessageInput, { action: 'post' }>;
type UpdateInput = Extract<DeliverMessageInput, { action: 'update' }>;

export interface ActionCalls {
  /** Top-level posts of the root. */
  rootPosts: PostInput[];
  /** Edits of the root (chat.update). */
  updates: UpdateInput[];
  /** Thread replies posted. */
  replies: PostInput[];
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
  let replyTs = 0;
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
      deliverMessage: async (input: DeliverMessageInput): Promise<DeliverMessageResult> => {
        if (input.action === 'update') {
          calls.updates.push(input);
          return { kind: 'updated', channel: input.at.channel, ts: input.at.ts };
        }
        if (input.key !== workflowId) {
          calls.replies.push(input);
          replyTs += 1;
          return { kind: 'posted', channel: input.thread?.channel ?? 'D1', ts: `2.${String(replyTs).padStart(6, '0')}`, alreadyPosted: false };
        }
        calls.rootPosts.push(input);
        return { kind: 'posted', channel: 'D1', ts: '1.000001', alreadyPosted: false };
      },
      dmDeliverySettings: async () => ({ horizonMs: DEFAULT_DELIVERY_HORIZON_MS }),
      enqueueMessage,
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
    const outbox = env.client.workflow.getHandle(outboxWorkflowId(taskQueue));
    for (let i = 0; i < 200 && (await outbox.query(getOutboxQuery)).queued > 0; i += 1) await new Promise((resolve) => setTimeout(resolve, 50));
    await outboxSettled(env.client, taskQueue);
    await outbox.terminate('test over').catch(() => undefined);
    return result;
  });
  return { tail, calls, workflowId };
}
