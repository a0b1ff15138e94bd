import { outboxWorkflowId } from '../../src/api';
import type { PostDmInput, PostDmResult } from '../../src/activities/postDm';
import { DEFAULT_DELIVERY_HORIZON_MS } from '../../src/domain/delivery';
import { enqueueDm } from '../../src/activities/enqueueDm';

/** The outbox's activities for workflow tests that do not look at Slack: every post lands at once. */
export function mockDelivery(onPost: (input: PostDmInput) => void = () => undefined, horizonMs = DEFAULT_DELIVERY_HORIZON_MS) {
  let n = 0;
  return {
    postDm: async (input: PostDmInput): Promise<PostDmResult> => {
      onPost(input);
      n += 1;
      return { kind: 'posted', channel: 'D1', ts: `1.${String(n).padStart(6, '0')}`, alreadyPosted: false };
    },
    dmDeliverySettings: async () => ({ horizonMs }),
    enqueueDm,
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
