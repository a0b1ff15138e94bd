/** Build B: the same workflow type with changed code (an extra step before it waits, another answer). */
import { condition, defineSignal, setHandler, setWorkflowOptions, sleep } from '@temporalio/workflow';

export const approveSignal = defineSignal<[string]>('approve');

export async function pendingApprovalWorkflow(): Promise<string> {
  let approver: string | undefined;
  setHandler(approveSignal, (who) => {
    approver = who;
  });
  // A timer build A never had: replaying an A history on this code would be non-deterministic.
  await sleep(1);
  await condition(() => approver !== undefined);
  return `build B: approved by ${approver}`;
}
setWorkflowOptions({ versioningBehavior: 'PINNED' }, pendingApprovalWorkflow);
