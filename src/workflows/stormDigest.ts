import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { enqueueMessageSignal, OUTBOX_WORKFLOW_TYPE, outboxWorkflowId, type OutboxRequest } from '../api';
import type { DigestMessage } from '../domain/stormDigest';

const { enqueueDm } = proxyActivities<Pick<Activities, 'enqueueDm'>>({
  startToCloseTimeout: '30s',
  // Temporal itself briefly unreachable from the worker: keep trying, the digest must get queued.
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s' },
});

/**
 * Hands one revision of the storm digest to the deployment's outbox: urgent
 * (ahead of every queued root message), nobody to report to. The one place
 * the tail sends a Slack message; re-pointed at the outbox's `sendMessage`
 * (src/workflows/delivery.ts) once that exists.
 */
export async function sendStormDigest(key: string, revision: number, message: DigestMessage): Promise<void> {
  const { taskQueue } = workflowInfo();
  const request: OutboxRequest = { key, revision, message, urgent: true, requestedAtMs: Date.now() };
  await enqueueDm({
    outbox: { workflowId: outboxWorkflowId(taskQueue), workflowType: OUTBOX_WORKFLOW_TYPE, signal: enqueueMessageSignal.name, taskQueue },
    // The activity signals whatever it is handed; its input type still names the DM request.
    request: request as unknown as Parameters<Activities['enqueueDm']>[0]['request'],
  });
}
