// Test-only workflow: answers operatorActionUpdate as an investigation will (phase 2), deduping by requestId.
import { condition, defineQuery, defineSignal, setHandler } from '@temporalio/workflow';
import { operatorActionUpdate, type OperatorAction } from '../../../src/api';

export interface OperatorTargetState {
  /** Every Update the workflow ran, a repeat included. */
  updates: number;
  /** The actions that changed something: one per click. */
  changes: OperatorAction[];
}

export const operatorTargetState = defineQuery<OperatorTargetState>('operatorTargetState');

export async function operatorTargetWorkflow(): Promise<void> {
  const state: OperatorTargetState = { updates: 0, changes: [] };
  setHandler(operatorActionUpdate, (action) => {
    state.updates += 1;
    if (state.changes.some((c) => c.requestId === action.requestId)) return { changed: false, message: `Already done: ${action.action}.` };
    state.changes.push(action);
    return { changed: true, message: `${action.action} recorded for <@${action.actor}>.` };
  });
  setHandler(operatorTargetState, () => state);
  await condition(() => false);
}

/** Test-only: a workflow that takes no operator actions (an investigation before phase 2), ended by a signal. */
export const finishSignal = defineSignal('finish');
export async function noOperatorActionsWorkflow(): Promise<void> {
  let done = false;
  setHandler(finishSignal, () => void (done = true));
  await condition(() => done);
}
