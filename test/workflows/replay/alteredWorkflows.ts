/**
 * A deliberately incompatible version of the workflows, for proving that the
 * replay test fails on a non-deterministic change: the investigation now
 * starts with a timer its recorded histories never had.
 */
import { sleep } from '@temporalio/workflow';
import type { InvestigationInput } from '../../../src/api';
import { probeInvestigationWorkflow as current } from '../../../src/workflows/investigation';

export { probeTailWorkflow } from '../../../src/workflows/tail';

export async function probeInvestigationWorkflow(input: InvestigationInput) {
  await sleep('1s');
  return current(input);
}
