/**
 * Worker Versioning behaviour of each workflow type (docs/operations.md "Deploying new code").
 *
 * - An investigation is PINNED: it finishes on the build it started on, however long it waits
 *   (its window, an approval), so a deploy never replays it on code it did not start with.
 * - The tail and the outbox live forever and continue-as-new: AUTO_UPGRADE, so they move to
 *   the current build at their next workflow task. Their code must therefore stay replay-compatible
 *   with their own recent histories across a deploy (test/workflows/replay.test.ts guards that).
 */
import { setWorkflowOptions } from '@temporalio/workflow';
import type { VersioningBehavior } from '@temporalio/common';
import { probeInvestigationWorkflow } from './investigation';
import { probeOutboxWorkflow } from './outbox';
import { probeTailWorkflow } from './tail';

export const VERSIONING_BEHAVIOURS = {
  probeInvestigationWorkflow: 'PINNED',
  probeTailWorkflow: 'AUTO_UPGRADE',
  probeOutboxWorkflow: 'AUTO_UPGRADE',
} as const satisfies Record<string, VersioningBehavior>;

setWorkflowOptions({ versioningBehavior: VERSIONING_BEHAVIOURS.probeInvestigationWorkflow }, probeInvestigationWorkflow);
setWorkflowOptions({ versioningBehavior: VERSIONING_BEHAVIOURS.probeTailWorkflow }, probeTailWorkflow);
setWorkflowOptions({ versioningBehavior: VERSIONING_BEHAVIOURS.probeOutboxWorkflow }, probeOutboxWorkflow);
