import { sleep } from '@temporalio/workflow';
import { messageDelivered, sendMessage, type Delivery, type MessageRequest } from '../../../src/workflows/delivery';

/** One step of a scripted requester: queue a request, wait for a revision's delivery, or let time pass. */
export type RequesterStep = { send: MessageRequest } | { await: { key: string; revision: number } } | { sleepMs: number };

/** Runs the steps in order; answers the Delivery of every `await`, in order. */
export async function messageRequesterWorkflow(steps: RequesterStep[]): Promise<Delivery[]> {
  const deliveries: Delivery[] = [];
  for (const step of steps) {
    if ('send' in step) await sendMessage(step.send);
    else if ('await' in step) deliveries.push(await messageDelivered(step.await.key, step.await.revision));
    else await sleep(step.sleepMs);
  }
  return deliveries;
}
