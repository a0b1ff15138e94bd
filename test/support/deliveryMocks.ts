import type { Client } from '@temporalio/client';
import { getOutboxQuery, outboxWorkflowId, type OutboxView } from '../../src/api';
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
export async function outboxSettled(client: Client, taskQueue: string): Promise<void> {
  const handle = client.workflow.getHandle(outboxWorkflowId(taskQueue));
  for (let i = 0; i < 100; i += 1) {
    const described = await handle.describe().catch(() => undefined);
    if (!described || !described.raw.pendingWorkflowTask) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export type PostInput = Extract<DeliverMessageInput, { action: 'post' }>;
export type UpdateInput = Extract<DeliverMessageInput, { action: 'update' }>;

/** What one incident's tests see of its messages. */
export interface IncidentMessages {
  /** Attempts to post the root message (top level). */
  rootPosts: PostInput[];
  /** Edits of the root (chat.update). */
  updates: UpdateInput[];
  /** Thread replies posted. */
  replies: PostInput[];
}

const ROOT_LANDS = async (): Promise<DeliverMessageResult> => ({ kind: 'posted', channel: 'D1', ts: '1.000001', alreadyPosted: false });

/**
 * The outbox's activities for one incident whose root message has key `rootKey`: every call recorded
 * in `calls`; edits and thread replies land at once (replies at 2.000001, 2.000002, ...), the root's
 * posts get what `postRoot` answers (default: it lands at D1 / 1.000001).
 */
export function incidentDelivery(
  rootKey: string,
  calls: IncidentMessages,
  postRoot: (input: PostInput) => Promise<DeliverMessageResult> = ROOT_LANDS,
  horizonMs = DEFAULT_DELIVERY_HORIZON_MS,
) {
  let replyTs = 0;
  return {
    deliverMessage: async (input: DeliverMessageInput): Promise<DeliverMessageResult> => {
      if (input.action === 'update') {
        calls.updates.push(input);
        return { kind: 'updated', channel: input.at.channel, ts: input.at.ts };
      }
      if (input.key !== rootKey) {
        calls.replies.push(input);
        replyTs += 1;
        return { kind: 'posted', channel: input.thread?.channel ?? 'D1', ts: `2.${String(replyTs).padStart(6, '0')}`, alreadyPosted: false };
      }
      calls.rootPosts.push(input);
      return postRoot(input);
    },
    dmDeliverySettings: async () => ({ horizonMs }),
    enqueueMessage,
  };
}

/**
 * Ends a test's outbox before its worker stops: waits until nothing is queued (thread replies are
 * queued as an investigation ends) and no workflow task is out, then terminates it (one that keeps
 * undelivered messages would stay open, on a timer its stopped worker cannot serve). Answers the
 * outbox's view as it was once drained.
 */
export async function closeOutbox(client: Client, taskQueue: string): Promise<OutboxView> {
  const handle = client.workflow.getHandle(outboxWorkflowId(taskQueue));
  let view: OutboxView = await handle.query(getOutboxQuery);
  for (let i = 0; i < 200 && view.queued > 0; i += 1) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    view = await handle.query(getOutboxQuery);
  }
  await outboxSettled(client, taskQueue);
  await handle.terminate('test over').catch(() => undefined);
  return view;
}
