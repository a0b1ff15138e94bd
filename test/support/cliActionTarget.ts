/**
 * Test-only workflows for `probe-wake approve|decline|ack`: one that answers
 * operatorActionUpdate as an investigation does (a repeated requestId changes
 * nothing), one that takes no operator actions. Both live until terminated.
 */
import { condition, defineQuery, setHandler } from '@temporalio/workflow';
import { operatorActionUpdate, type OperatorAction } from '../../src/api';

export const actionsQuery = defineQuery<OperatorAction[]>('actions');

export async function actionTargetWorkflow(): Promise<void> {
  const actions: OperatorAction[] = [];
  setHandler(operatorActionUpdate, (action) => {
    if (actions.some((a) => a.requestId === action.requestId)) return { changed: false, message: `already recorded: ${action.action}` };
    actions.push(action);
    return { changed: true, message: `${action.action} recorded for ${action.actor}` };
  });
  setHandler(actionsQuery, () => actions);
  await condition(() => false);
}

export async function noActionsWorkflow(): Promise<void> {
  await condition(() => false);
}
