import type { Client } from '@temporalio/client';
import { getIncidentQuery, type DiagnosisOutcome, type InvestigationOutcome } from '../../src/api';
import { eventually } from './poll';

/**
 * The investigation's outcome as of its diagnosis. An investigation started with a window lives
 * until the window closes (its result comes only then), so this asks its getIncident query until the
 * diagnosis is delivered; an investigation that has already ended answers with its result.
 */
export async function diagnosisOf(client: Client, workflowId: string, timeoutMs = 60_000): Promise<DiagnosisOutcome> {
  const handle = client.workflow.getHandle(workflowId);
  return eventually(
    async () => {
      const { status } = await handle.describe();
      if (status.name === 'COMPLETED') return (await handle.result()) as InvestigationOutcome;
      if (status.name !== 'RUNNING') throw new Error(`investigation ${workflowId} ended ${status.name}`);
      return (await handle.query(getIncidentQuery)).outcome;
    },
    timeoutMs,
    `the diagnosis of ${workflowId}`,
  );
}
