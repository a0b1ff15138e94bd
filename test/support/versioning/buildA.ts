/**
 * Build A of a deploy: a workflow that waits for its approval (the stand-in for an
 * investigation's pending fix approval until that lands) and then reports which
 * build's code ran it. buildB.ts has the same type name and different code.
 */
import { condition, defineSignal, setHandler, setWorkflowOptions } from '@temporalio/workflow';

export const approveSignal = defineSignal<[string]>('approve');

export async function pendingApprovalWorkflow(): Promise<string> {
  let approver: string | undefined;
  setHandler(approveSignal, (who) => {
    approver = who;
  });
  await condition(() => approver !== undefined);
  return `build A: approved by ${approver}`;
}
setWorkflowOptions({ versioningBehavior: 'PINNED' }, pendingApprovalWorkflow);
