/**
 * The crash test's workflow (until the investigation's approval wait calls runFix): one
 * approved fix through the runFix activity with the production activity options
 * (src/workflows/fixRun.ts), on the task queue the worker process under test serves.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../../src/activities';
import type { FixRunRequest, FixRunResult } from '../../src/api';
import { RUN_FIX_ACTIVITY_OPTIONS } from '../../src/workflows/fixRun';

export async function runFixOnceWorkflow(request: FixRunRequest, taskQueue: string): Promise<FixRunResult> {
  const { runFix } = proxyActivities<Pick<Activities, 'runFix'>>({ ...RUN_FIX_ACTIVITY_OPTIONS, taskQueue });
  return runFix(request);
}
