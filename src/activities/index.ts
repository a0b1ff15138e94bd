import type { AppConfig } from '../config/config';
import type { ReadLimits } from './auditFile';
import { createInvestigate } from './investigate';
import { createPostDm } from './postDm';
import { createReadAuditLog } from './readAuditLog';

export interface ActivityOptions {
  readLimits?: ReadLimits;
  engineRequestTimeoutMs?: number;
  slackRequestTimeoutMs?: number;
  /** Aborted when the worker starts shutting down: ends reads that wait for the audit log to grow. */
  stopping?: AbortSignal;
}

/**
 * The worker's activities, closed over configuration validated at start-up.
 * Secrets live here, in the worker process, and never in workflow inputs or history.
 */
export function createActivities(config: AppConfig, options: ActivityOptions = {}) {
  return {
    readAuditLog: createReadAuditLog(options.readLimits, options.stopping),
    investigate: createInvestigate(
      { ...config.anthropic, requestTimeoutMs: options.engineRequestTimeoutMs ?? 45_000, maxTokens: 600 },
      config.auditLogPath,
    ),
    postDm: createPostDm({ ...config.slack, requestTimeoutMs: options.slackRequestTimeoutMs ?? 15_000 }),
  };
}

export type Activities = ReturnType<typeof createActivities>;
