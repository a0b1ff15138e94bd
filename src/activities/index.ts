import type { AppConfig } from '../config/config';
import { maxTokensFor } from '../domain/modelFacts';
import type { ReadLimits } from './auditFile';
import { createAskModel } from './askModel';
import { createRunInvestigationTool } from './investigationTools';
import { enqueueMessage } from './enqueueMessage';
import { createDeliverMessage, createDmDeliverySettings } from './deliverMessage';
import { createPrepareInvestigation } from './prepareInvestigation';
import { loadPromptTemplate, type PromptTemplate } from './promptTemplate';
import { createReadAuditLog } from './readAuditLog';
import type { Failpoint } from './failpoint';
import { createAppendInvestigationRow } from './appendInvestigationRow';
import { createIncidentSettings } from './incidentSettings';
import { createRunFix } from './runFix';
import { createAddSilence, createAppendOperatorActionRow } from './operatorActions';
import { createAppendFixExecutedRow } from './fixExecutedRow';

export interface ActivityOptions {
  readLimits?: ReadLimits;
  /** Overrides PROBE_INVESTIGATION_SILENCE_SECONDS (tests). */
  modelSilenceTimeoutMs?: number;
  slackRequestTimeoutMs?: number;
  promptTemplate?: PromptTemplate;
  /** Aborted when the worker starts shutting down: ends reads that wait for the audit log to grow. */
  stopping?: AbortSignal;
  /** Crash-test hook (the chaos harness); absent: none. */
  failpoint?: Failpoint;
}

/**
 * The worker's activities, closed over configuration validated at start-up.
 * Secrets live here, in the worker process, and never in workflow inputs or history.
 */
export function createActivities(config: AppConfig, options: ActivityOptions = {}) {
  const template = options.promptTemplate ?? loadPromptTemplate();
  return {
    readAuditLog: createReadAuditLog(options.readLimits, options.stopping, undefined, options.failpoint),
    prepareInvestigation: createPrepareInvestigation(config.auditLogPath, template),
    askModel: createAskModel(
      {
        ...config.anthropic,
        silenceTimeoutMs: options.modelSilenceTimeoutMs ?? config.anthropic.silenceTimeoutSeconds * 1000,
        maxTokens: maxTokensFor(config.anthropic.effort),
        prices: config.investigation.prices,
      },
      template,
      options.failpoint,
    ),
    runInvestigationTool: createRunInvestigationTool(config.auditLogPath),
    appendInvestigationRow: createAppendInvestigationRow(config.auditLogPath),
    deliverMessage: createDeliverMessage({ ...config.slack, requestTimeoutMs: options.slackRequestTimeoutMs ?? 15_000 }),
    dmDeliverySettings: createDmDeliverySettings(config.slack.deliveryHorizonMs),
    enqueueMessage,
    incidentSettings: createIncidentSettings(config.incident, { fixRunners: Object.keys(config.fixRunners), fixApprovalTimeoutSeconds: config.fixApproval.timeoutSeconds }),
    runFix: createRunFix(config.fixRunners),
    // operator actions (issue 14; owner: actions)
    addSilence: createAddSilence(config.temporal.tailWorkflowId),
    appendOperatorActionRow: createAppendOperatorActionRow(config.auditLogPath),
    // approval-gated fixes (issue 14; owner: approval)
    appendFixExecutedRow: createAppendFixExecutedRow(config.auditLogPath),
  };
}

export type Activities = ReturnType<typeof createActivities>;
