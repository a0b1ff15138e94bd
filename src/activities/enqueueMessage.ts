import { Context } from '@temporalio/activity';
import type { OutboxRequest } from '../api';

/** Where the request goes; the workflow layer owns these names and passes them (activities never import workflows). */
export interface EnqueueMessageInput {
  outbox: { workflowId: string; workflowType: string; signal: string; taskQueue: string };
  request: OutboxRequest;
}

/**
 * Hands one message request to the deployment's outbox with one
 * signal-with-start: it starts the outbox when none runs, so there is no race
 * between two workflows that both find it absent. The outbox ignores a
 * repeated key and revision, so a retried activity cannot queue it twice.
 */
export async function enqueueMessage({ outbox, request }: EnqueueMessageInput): Promise<void> {
  await Context.current().client.workflow.signalWithStart(outbox.workflowType, {
    workflowId: outbox.workflowId,
    taskQueue: outbox.taskQueue,
    args: [{}],
    signal: outbox.signal,
    signalArgs: [request],
  });
}
