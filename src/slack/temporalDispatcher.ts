import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { operatorActionUpdate, type OperatorAction, type OperatorActionResult } from '../api';
import type { OperatorActionDispatcher } from './dispatcher';

/** How long a click waits for the investigation's answer before telling the clicker it did not come. */
export const DISPATCH_DEADLINE_MS = 30_000;

/**
 * Executes `operatorActionUpdate` on the investigation. The Update ID is the click's requestId, so a
 * redelivered click is the same Update to the server as well as to the workflow's own dedupe.
 */
export class TemporalDispatcher implements OperatorActionDispatcher {
  constructor(
    private readonly client: Client,
    private readonly deadlineMs = DISPATCH_DEADLINE_MS,
  ) {}

  async dispatch(workflowId: string, action: OperatorAction): Promise<OperatorActionResult> {
    const handle = this.client.workflow.getHandle(workflowId);
    try {
      return await this.client.withDeadline(Date.now() + this.deadlineMs, () =>
        handle.executeUpdate(operatorActionUpdate, { args: [action], updateId: action.requestId }),
      );
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return { changed: false, message: 'This incident is closed: its investigation is no longer running.' };
      if (err instanceof WorkflowUpdateFailedError) {
        return { changed: false, message: `The investigation refused: ${err.cause?.message ?? err.message}` };
      }
      if (isDeadline(err)) return { changed: false, message: `No answer from the investigation within ${this.deadlineMs / 1000} s; clicking again is safe.` };
      throw err;
    }
  }
}

function isDeadline(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  // gRPC DEADLINE_EXCEEDED (4), as the client reports a passed deadline.
  return code === 4 || (err instanceof Error && /deadline/i.test(err.message));
}
