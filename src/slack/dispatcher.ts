import type { OperatorAction, OperatorActionResult } from '../api';

/**
 * Where an authorised, well-formed click goes: one operator action on one investigation workflow.
 * The receiver knows only this port; the Temporal adapter is temporalDispatcher.ts. An implementation
 * answers every outcome as a result (a refusal, an unreachable workflow) and throws only on a bug.
 */
export interface OperatorActionDispatcher {
  dispatch(workflowId: string, action: OperatorAction): Promise<OperatorActionResult>;
}
