import type { AppConfig } from '../config/config';
import { MAX_OUTPUT_TOKENS } from '../domain/agent';
import type { ReadLimits } from './auditFile';
import { createAskModel } from './askModel';
import { createRunInvestigationTool } from './investigationTools';
import { createPostDm } from './postDm';
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
  };
}

export type Activities = ReturnType<typeof createActivities>;
