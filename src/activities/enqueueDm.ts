import { Context } from '@temporalio/activity';

/** Where the request goes; the workflow layer owns these names and passes them (activities never import workflows). */
export interface EnqueueDmInput {
  outbox: { workflowId: string; workflowType: string; signal: string; taskQueue: string };
  request: { key: string; text: string; requestedAtMs: number };
}

/**
 * Hands a DM to the deployment's outbox with one signal-with-start: it
 * starts the outbox when none runs, so there is no race between two
 * investigations that both find it absent. The outbox ignores a repeated
 * request for the same key, so a retried activity cannot queue a DM twice.
 */
export async function enqueueDm({ outbox, request }: EnqueueDmInput): Promise<void> {
  await Context.current().client.workflow.signalWithStart(outbox.workflowType, {
    workflowId: outbox.workflowId,
    taskQueue: outbox.taskQueue,
    args: [{}],
    signal: outbox.signal,
    signalArgs: [request],
  });
}
