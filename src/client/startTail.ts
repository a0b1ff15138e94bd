import { WithStartWorkflowOperation, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import type { AppConfig } from '../config/config';
import { reserveEstimate } from '../domain/costLadder';
import { maxTokensFor } from '../domain/modelFacts';
import { updateSettingsUpdate, WORKFLOW_TYPES, type InvestigationSettings, type TailSettings } from '../api';
import type { probeTailWorkflow } from '../workflows/tail';

export const DEFAULT_HISTORY_EVENT_LIMIT = 5000;

export function tailSettingsFrom(config: AppConfig, overrides: Partial<TailSettings> = {}): TailSettings {
  return {
    auditLogPath: config.auditLogPath,
    pollSeconds: config.pollSeconds,
    debounce: { windowSeconds: config.debounceSeconds, bypassCritical: config.bypassCritical },
    replayFromStart: config.replayFromStart,
    waitForGrowth: config.waitForGrowth,
    searchAttributes: true,
    historyEventLimit: DEFAULT_HISTORY_EVENT_LIMIT,
    investigation: investigationSettingsFrom(config),
    windowRules: config.windowRules,
    ...overrides,
  };
}

/** The running tail's validator refused the settings it was sent. */
export class TailSettingsRefused extends Error {
  override name = 'TailSettingsRefused';
}

/**
 * Starts the tail workflow if it is not running; a running one is left alone
 * and only receives the current settings (cursor and windows are kept). One
 * update-with-start: the tail's validator answers, so bad settings fail this
 * call with the reason instead of being dropped inside the workflow. It
 * returns once a worker has handled the update, so a worker must be polling.
 */
export async function ensureTailWorkflow(client: Client, config: AppConfig, settings: TailSettings = tailSettingsFrom(config)) {
  const startWorkflowOperation = new WithStartWorkflowOperation<typeof probeTailWorkflow>(WORKFLOW_TYPES.tail, {
    workflowId: config.temporal.tailWorkflowId,
    taskQueue: config.temporal.taskQueue,
    args: [{ settings }],
    workflowIdConflictPolicy: 'USE_EXISTING',
    staticSummary: `probe-wake tail of ${settings.auditLogPath}`,
  });
  try {
    await client.workflow.executeUpdateWithStart(updateSettingsUpdate, { args: [settings], startWorkflowOperation });
  } catch (err) {
    if (!(err instanceof WorkflowUpdateFailedError)) throw err;
    throw new TailSettingsRefused(`tail workflow ${config.temporal.tailWorkflowId} refused its settings: ${err.cause?.message ?? err.message}`);
  }
  const handle = await startWorkflowOperation.workflowHandle();
  const { runId } = await handle.describe();
  return { workflowId: handle.workflowId, runId };
}

export function investigationSettingsFrom(config: AppConfig): InvestigationSettings {
  const { maxTurns, dailyBudgetUsd, prices, turnTimeoutSeconds } = config.investigation;
  return {
    maxTurns,
    dailyBudgetUsd: dailyBudgetUsd ?? null,
    reserveUsd: reserveEstimate(prices[config.anthropic.model], maxTurns, maxTokensFor(config.anthropic.effort)),
    turnTimeoutSeconds,
  };
}
