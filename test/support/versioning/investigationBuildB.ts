/**
 * Build B of a deploy: the real workflows (src/workflows) with a changed investigation. It runs
 * the real one and marks its result, so its bundle (and build ID) differs from build A's
 * while every other workflow is the same code.
 */
import { setWorkflowOptions } from '@temporalio/workflow';
import type { InvestigationInput, InvestigationOutcome } from '../../../src/api';
import { probeInvestigationWorkflow as buildA } from '../../../src/workflows/investigation';
import { VERSIONING_BEHAVIOURS } from '../../../src/workflows/versioning';
import { BUILD_B_MARK } from './buildMark';

// A local export takes precedence over the star export of the same name.
export * from '../../../src/workflows';

export async function probeInvestigationWorkflow(input: InvestigationInput): Promise<InvestigationOutcome> {
  const outcome = await buildA(input);
  return { ...outcome, text: outcome.text + BUILD_B_MARK };
}
setWorkflowOptions({ versioningBehavior: VERSIONING_BEHAVIOURS.probeInvestigationWorkflow }, probeInvestigationWorkflow);
