import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowHandle } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import type { AskModelInput } from '../../src/activities/askModel';
import { ProbeNameKey, type InvestigationOutcome, type WindowFacts } from '../../src/api';
import type { LlmTurn } from '../../src/domain/agent';
import type { Wake } from '../../src/domain/auditRow';
import type { InvestigationRow } from '../../src/domain/investigationRows';
import type { DeliverMessageResult } from '../../src/activities/deliverMessage';
import { closeOutbox, incidentDelivery, type IncidentMessages, type PostInput } from './deliveryMocks';
import { mockModel } from './modelMocks';
import { becomeCurrentVersion } from '../../src/worker/deploymentVersion';
import { workflowBundle } from './temporal';

export type Investigate = (input: AskModelInput) => Promise<LlmTurn>;
export type PostRoot = (input: PostInput) => Promise<DeliverMessageResult>;

export interface IncidentRun {
  investigate: Investigate;
  /** What Slack answers to each attempt to post the root message; edits and thread replies always land. */
  postRoot: PostRoot;
  appendTelemetry?: (row: InvestigationRow) => Promise<{ appended: boolean }>;
  horizonMs?: number;
  window?: WindowFacts;
  /** While the investigation runs (after the alert was attempted): signals, queries, time. */
  during?: (handle: WorkflowHandle, calls: IncidentCalls) => Promise<void>;
  uiUrl?: string;
  searchAttributes?: boolean;
}

export interface IncidentCalls extends IncidentMessages {
  investigate: number;
  telemetry: InvestigationRow[];
  /** The order things happened in: 'alert' (first root attempt), 'model' (the model answered). */
  order: string[];
}

/**
 * Runs one investigation on the time-skipping server against mocked activities and the real outbox
 * workflow. The model mock waits until the root message was attempted: the alert goes before the model.
 */
export async function runIncident(env: TestWorkflowEnvironment, wake: Wake, taskQueue: string, options: IncidentRun) {
  const calls: IncidentCalls = { investigate: 0, rootPosts: [], updates: [], replies: [], telemetry: [], order: [] };
  const workflowId = `probe-investigation:fly:auth:${taskQueue}`;
  let alertAttempted!: () => void;
  const alert = new Promise<void>((resolve) => (alertAttempted = resolve));
  // The dev server refuses a workflow task that names a versioning behaviour (src/workflows/versioning.ts)
  // from a worker outside a Worker Deployment; the time-skipping server knows no deployments and ignores it.
  // So on the dev server the worker joins a deployment of its own, as production's does (src/worker/createWorker.ts).
  const version = env.supportsTimeSkipping ? undefined : { deploymentName: `probe-wake-test-${taskQueue}`, buildId: 'test' };
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    ...(version ? { workerDeploymentOptions: { version, useWorkerVersioning: true, defaultVersioningBehavior: 'PINNED' as const } } : {}),
    workflowBundle: await workflowBundle(),
    activities: {
      readAuditLog: async () => {
        throw new Error('not used');
      },
      ...mockModel(
        () => undefined,
        async (input: AskModelInput) => {
          await alert;
          calls.investigate += 1;
          const turn = await options.investigate(input);
          calls.order.push('model');
          return turn;
        },
      ),
      appendInvestigationRow: async (row: InvestigationRow) => {
        calls.telemetry.push(row);
        return options.appendTelemetry ? options.appendTelemetry(row) : { appended: true };
      },
      ...incidentDelivery(
        workflowId,
        calls,
        (input) => {
          if (calls.rootPosts.length === 1) calls.order.push('alert');
          alertAttempted();
          return options.postRoot(input);
        },
        options.horizonMs,
      ),
      incidentSettings: async () => (options.uiUrl ? { uiUrl: options.uiUrl } : {}),
    },
  });
  const { outcome, outbox, described } = await worker.runUntil(async () => {
    // Made current once its pollers reached the server, so the investigation and the outbox it starts route to it.
    if (version) await becomeCurrentVersion({ connection: env.nativeConnection, namespace: 'default', version, stopping: new AbortController().signal });
    const handle = await env.client.workflow.start('probeInvestigationWorkflow', {
      taskQueue,
      workflowId,
      args: [{ wake, windowKey: 'w-7f3a', ...(options.window ? { window: options.window } : {}) }],
      memo: { wake },
      ...(options.searchAttributes ? { typedSearchAttributes: [{ key: ProbeNameKey, value: wake.probe }] } : {}),
    });
    if (options.during) {
      await alert;
      await options.during(handle, calls);
    }
    const result = (await handle.result()) as InvestigationOutcome;
    const described = await handle.describe();
    // Queries need the worker: ask the outbox before it stops, once it has sent what the investigation queued last.
    const outbox = await closeOutbox(env.client, taskQueue);
    return { outcome: result, outbox, described };
  });
  return { outcome, calls, workflowId, outbox, described };
}
