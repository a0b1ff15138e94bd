import { outboxWorkflowId } from '../../src/api';
import type { DeliverMessageInput, DeliverMessageResult } from '../../src/activities/deliverMessage';
import { DEFAULT_DELIVERY_HORIZON_MS } from '../../src/domain/delivery';
import { enqueueMessage } from '../../src/activities/enqueueMessage';

/**
 * The outbox's activities for workflow tests that do not look at Slack: every
 * post lands at once (a new ts each), every edit too. `onPost` sees each call
 * with its text (posts and edits alike).
 */
export function mockDelivery(onPost: (input: DeliverMessageInput & { text: string }) => void = () => undefined, horizonMs = DEFAULT_DELIVERY_HORIZON_MS) {
  let n = 0;
  return {
    deliverMessage: async (input: DeliverMessageInput): Promise<DeliverMessageResult> => {
      onPost({ ...input, text: input.message.text });
      if (input.action === 'update') return { kind: 'updated', channel: input.at.channel, ts: input.at.ts };
      n += 1;
      return { kind: 'posted', channel: input.thread?.channel ?? 'D1', ts: `1.${String(n).padStart(6, '0')}`, alreadyPosted: false };
    },
    dmDeliverySettings: async () => ({ horizonMs }),
    enqueueMessage,
  };
}

/**
 * Waits until the outbox of `taskQueue` has no workflow task pending, so a
 * worker that stops next leaves none half-done (the time-skipping server
 * holds its clock while a started workflow task is out, until that task times out).
 */
export async function outboxSettled(client: import('@temporalio/client').Client, taskQueue: string): Promise<void> {
  const handle = client.workflow.getHandle(outboxWorkflowId(taskQueue));
  for (let i = 0; i < 100; i += 1) {
    const described = await handle.describe().catch(() => undefined);
    if (!described || !described.raw.pendingWorkflowTask) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
