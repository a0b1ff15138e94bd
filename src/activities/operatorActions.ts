import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { addSilenceUpdate, type Silence, type SilenceRequest } from '../api';
import { OPERATOR_ACTION_EVENT, type OperatorActionRow } from '../domain/operatorActions';
import { appendRowOnce, type AppendResult } from './appendInvestigationRow';

export const SILENCE_REFUSED = 'SilenceRefused';
export const TAIL_NOT_RUNNING = 'TailNotRunning';

export interface AddSilenceInput {
  /** The investigation's parent; absent (a start by hand): the deployment's tail (PROBE_TAIL_WORKFLOW_ID). */
  tailWorkflowId?: string;
  request: SilenceRequest;
}

/**
 * The snooze button's silence: executes the tail's addSilence Update with the activity's Temporal
 * client (a workflow cannot execute an Update on another workflow). The request's requestId is the
 * Update ID too, so a retried attempt is the same Update and the tail answers the first silence.
 * A refusal (the tail's validator) or a missing tail fails for good, with the reason.
 */
export function createAddSilence(defaultTailWorkflowId: string) {
  return async function addSilence({ tailWorkflowId, request }: AddSilenceInput): Promise<Silence> {
    const id = tailWorkflowId ?? defaultTailWorkflowId;
    const handle = Context.current().client.workflow.getHandle(id);
    try {
      return await handle.executeUpdate(addSilenceUpdate, { args: [request], ...(request.requestId ? { updateId: request.requestId } : {}) });
    } catch (err) {
      if (err instanceof WorkflowUpdateFailedError) {
        throw ApplicationFailure.nonRetryable(err.cause?.message ?? err.message, SILENCE_REFUSED);
      }
      if (err instanceof WorkflowNotFoundError) throw ApplicationFailure.nonRetryable(`the tail workflow ${id} is not running`, TAIL_NOT_RUNNING);
      throw err;
    }
  };
}

/** Appends one `probe.operator_action` row, at most once per request (a retry finds the row it wrote). */
export function createAppendOperatorActionRow(auditLogPath: string) {
  return async function appendOperatorActionRow(row: OperatorActionRow): Promise<AppendResult> {
    return appendRowOnce(auditLogPath, row, (c) => c.event === OPERATOR_ACTION_EVENT && c.workflow_id === row.workflow_id && c.request_id === row.request_id);
  };
}
