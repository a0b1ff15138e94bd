import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import type { AskModelInput } from '../../src/activities/askModel';
import { createRunFix } from '../../src/activities/runFix';
import { type FixRunRequest, type FixRunResult, type InvestigationOutcome, type WindowFacts } from '../../src/api';
import type { LlmTurn } from '../../src/domain/agent';
import type { Wake } from '../../src/domain/auditRow';
import type { FixExecutedRow } from '../../src/domain/fixApproval';
import type { FixRunners } from '../../src/domain/fixRunners';
import type { OperatorActionRow } from '../../src/domain/operatorActions';
import { closeOutbox, incidentDelivery, type IncidentMessages } from './deliveryMocks';
import { mockModel, textTurn } from './modelMocks';
import { workflowBundle } from './temporal';

export interface FixCalls extends IncidentMessages {
  actionRows: OperatorActionRow[];
  fixRows: FixExecutedRow[];
  /** Every attempt of the runFix activity. */
  runFix: FixRunRequest[];
}

export interface FixRun {
  wake: Wake;
  /** The real runFix activity closed over these runners (a webhook at the fake receiver). */
  runners: FixRunners;
  /** What incidentSettings answers: the configured fix names (default: the runners'), the timeout. */
  fixRunnerNames?: string[];
  timeoutSeconds?: number;
  window?: WindowFacts;
  /** The model's answer (untrusted text). */
  answer?: string;
  during: (handle: WorkflowHandle, calls: FixCalls) => Promise<void>;
}

/**
 * One real investigation workflow on the given server with mocked model and Slack activities, the real
 * outbox, and the real runFix activity against the configured runners. The workflow is started directly
 * (no tail): the window's signals come from the test.
 */
export async function runFixIncident(env: TestWorkflowEnvironment, taskQueue: string, options: FixRun) {
  const calls: FixCalls = { rootPosts: [], updates: [], replies: [], actionRows: [], fixRows: [], runFix: [] };
  const workflowId = `probe-investigation:${options.wake.probe}:${options.wake.category}:${taskQueue}`;
  const runFix = createRunFix(options.runners);
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities: {
      readAuditLog: async () => {
        throw new Error('not used');
      },
      ...mockModel(() => undefined, async (_input: AskModelInput): Promise<LlmTurn> => textTurn(options.answer ?? 'Token expired.\nNext step: mint a new token.')),
      ...incidentDelivery(workflowId, calls),
      incidentSettings: async () => ({
        fixRunners: options.fixRunnerNames ?? Object.keys(options.runners),
        ...(options.timeoutSeconds !== undefined ? { fixApprovalTimeoutSeconds: options.timeoutSeconds } : {}),
      }),
      addSilence: async () => {
        throw new Error('not used');
      },
      // As the real appends do (appendRowOnce): a local activity run again (its workflow task was retried,
      // e.g. UNHANDLED_COMMAND when a click lands as the workflow completes) finds its row and writes none.
      appendOperatorActionRow: async (row: OperatorActionRow) => {
        if (calls.actionRows.some((r) => r.request_id === row.request_id)) return { appended: false };
        calls.actionRows.push(row);
        return { appended: true };
      },
      appendFixExecutedRow: async (row: FixExecutedRow) => {
        if (calls.fixRows.some((r) => r.workflow_id === row.workflow_id)) return { appended: false };
        calls.fixRows.push(row);
        return { appended: true };
      },
      runFix: async (request: FixRunRequest): Promise<FixRunResult> => {
        calls.runFix.push(request);
        return runFix(request);
      },
    },
  });
  const outcome = await worker.runUntil(async () => {
    const handle = await env.client.workflow.start('probeInvestigationWorkflow', {
      taskQueue,
      workflowId,
      args: [{ wake: options.wake, windowKey: taskQueue, ...(options.window ? { window: options.window } : {}) }],
    });
    await options.during(handle, calls);
    const result = (await handle.result()) as InvestigationOutcome;
    await closeOutbox(env.client, taskQueue);
    return result;
  });
  return { outcome, calls, workflowId };
}
