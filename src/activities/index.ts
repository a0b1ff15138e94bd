import type { AppConfig } from '../config/config';
import type { ReadLimits } from './auditFile';
import { createAskModel } from './askModel';
import { createRunInvestigationTool } from './investigationTools';
import { enqueueDm } from './enqueueDm';
import { createDmDeliverySettings, createPostDm } from './postDm';
import { createPrepareInvestigation } from './prepareInvestigation';
import { loadPromptTemplate, type PromptTemplate } from './promptTemplate';
import { createReadAuditLog } from './readAuditLog';
import { createAppendTelemetryRow } from './telemetry';

export interface ActivityOptions {
  readLimits?: ReadLimits;
  engineRequestTimeoutMs?: number;
  slackRequestTimeoutMs?: number;
  promptTemplate?: PromptTemplate;
  /** Aborted when the worker starts shutting down: ends reads that wait for the audit log to grow. */
  stopping?: AbortSignal;
}

/** Output tokens per model turn: room for a 2-4 sentence answer or a few tool calls. */
export const MAX_OUTPUT_TOKENS = 600;

/**
 * The worker's activities, closed over configuration validated at start-up.
 * Secrets live here, in the worker process, and never in workflow inputs or history.
 */
export function createActivities(config: AppConfig, options: ActivityOptions = {}) {
  const template = options.promptTemplate ?? loadPromptTemplate();
  return {
    readAuditLog: createReadAuditLog(options.readLimits, options.stopping),
    prepareInvestigation: createPrepareInvestigation(config.auditLogPath, template),
    askModel: createAskModel(
      {
        ...config.anthropic,
        requestTimeoutMs: options.engineRequestTimeoutMs ?? 45_000,
        maxTokens: MAX_OUTPUT_TOKENS,
        prices: config.investigation.prices,
      },
      template,
    ),
    runInvestigationTool: createRunInvestigationTool(config.auditLogPath),
    appendTelemetryRow: createAppendTelemetryRow(config.auditLogPath),
    postDm: createPostDm({ ...config.slack, requestTimeoutMs: options.slackRequestTimeoutMs ?? 15_000 }),
    dmDeliverySettings: createDmDeliverySettings(config.slack.deliveryHorizonMs),
    enqueueDm,
  };
}

export type Activities = ReturnType<typeof createActivities>;
