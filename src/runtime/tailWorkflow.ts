import type { Client } from '@temporalio/client';
import type { AppConfig } from '../config/config';
import { reserveEstimate } from '../domain/costLadder';
import { maxTokensFor } from '../domain/modelFacts';
import { updateSettingsSignal } from '../workflows/definitions';
import type { InvestigationSettings, TailSettings } from '../workflows/tailState';

export const TAIL_WORKFLOW_TYPE = 'probeTailWorkflow';
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
    ...overrides,
  };
}

/**
 * Starts the tail workflow if it is not running; a running one is left alone
 * and only receives the current settings (cursor and windows are kept).
 */
export async function ensureTailWorkflow(client: Client, config: AppConfig, settings: TailSettings = tailSettingsFrom(config)) {
  const handle = await client.workflow.signalWithStart(TAIL_WORKFLOW_TYPE, {
    workflowId: config.temporal.tailWorkflowId,
    taskQueue: config.temporal.taskQueue,
    args: [{ settings }],
    signal: updateSettingsSignal,
    signalArgs: [settings],
    staticSummary: `probe-wake tail of ${settings.auditLogPath}`,
  });
  const { runId } = await handle.describe();
  return { workflowId: handle.workflowId, runId };
}

export function investigationSettingsFrom(config: AppConfig): InvestigationSettings {
  const { maxSteps, dailyBudgetUsd, prices, turnTimeoutSeconds } = config.investigation;
  return {
    maxSteps,
    dailyBudgetUsd: dailyBudgetUsd ?? null,
    reserveUsd: reserveEstimate(prices[config.anthropic.model], maxSteps, maxTokensFor(config.anthropic.effort)),
    turnTimeoutSeconds,
  };
}
