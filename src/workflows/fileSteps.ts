import { proxyLocalActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';

type FileSteps = Pick<Activities, 'prepareInvestigation' | 'appendInvestigationRow'>;

// Local file work bounded to a few MiB: 10 s is generous, and short enough that one lost with its worker is retried soon.
export const FILE_STEP_OPTIONS = { startToCloseTimeout: '10s', retry: { initialInterval: '1s', maximumAttempts: 3 } } as const;

/**
 * Preparing the prompt and appending an investigation row read or write a local
 * file in milliseconds. As local activities they run inside the workflow task
 * that asks for them: two server round trips fewer before the model is asked,
 * and one fewer after the DM. Their results are still recorded (as markers),
 * so replay never runs them again; a worker lost mid-task runs them again,
 * which the append guards against (src/activities/appendInvestigationRow.ts).
 */
export const fileSteps: FileSteps = proxyLocalActivities<FileSteps>(FILE_STEP_OPTIONS);
