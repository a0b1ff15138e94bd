import type { Wake } from './auditRow';
import type { TurnUsage } from './agent';

/**
 * The rows an investigation writes back to the audit log, joined to its wake
 * by correlation key and workflow ID. The tail ignores them (they are not wakes).
 */
export const INVESTIGATION_ROUTE = 'probe_investigation';
export const STARTED_EVENT = 'probe.investigation_started';
export const COMPLETED_EVENT = 'probe.investigation_completed';

/** How our own rows read in the log (JSON.stringify writes this exact text), so the tail's wait can skip them. */
export const OWN_ROW_MARKER = `"route":"${INVESTIGATION_ROUTE}"`;

/** The fields every row probe-wake writes about a wake shares: when, what, and the keys that join it to its wake. */
export interface OwnRow<E extends string = string> {
  ts: string;
  event: E;
  route: typeof INVESTIGATION_ROUTE;
  correlation_key: string;
  workflow_id: string;
  wake_id: string;
  probe: string;
  issue_category: string;
  severity: string;
  [field: string]: unknown;
}

export type InvestigationRow = OwnRow<typeof STARTED_EVENT | typeof COMPLETED_EVENT>;

/** What an investigation found and did: its completed row records these, its result (InvestigationOutcome) carries them. */
export interface InvestigationFacts {
  /** Fallback reason code when not investigated, e.g. `engine_exception:AuthenticationError`. */
  reason?: string;
  dmSent: boolean;
  dmReason?: string;
  model?: string;
  promptVersion?: string;
  /** LLM turns taken and tool calls made. */
  turnCount: number;
  toolCalls: number;
  /** Summed over turns. */
  usage: TurnUsage;
  /** Estimated from the configured token prices. */
  costUsd: number;
}

export interface CompletedFacts extends InvestigationFacts {
  outcome: 'investigated' | 'fallback';
  latencyMs: number;
  /** Anthropic request-ids of this investigation's calls; absent: none. */
  requestIds?: string[];
}

export function correlationKey(probe: string, category: string): string {
  return `probe:${probe}:${category}`;
}

/** The shared fields of a row about `wake`, written by the workflow `workflowId` at `nowMs`. */
export function ownRow<E extends string>(event: E, wake: Wake, workflowId: string, nowMs: number): OwnRow<E> {
  return {
    ts: new Date(nowMs).toISOString(),
    event,
    route: INVESTIGATION_ROUTE,
    correlation_key: correlationKey(wake.probe, wake.category),
    workflow_id: workflowId,
    wake_id: wake.wakeId,
    probe: wake.probe,
    issue_category: wake.category,
    severity: wake.severity,
  };
}

export function startedRow(wake: Wake, workflowId: string, nowMs: number): InvestigationRow {
  return ownRow(STARTED_EVENT, wake, workflowId, nowMs);
}

export function completedRow(wake: Wake, workflowId: string, nowMs: number, facts: CompletedFacts): InvestigationRow {
  return {
    ...ownRow(COMPLETED_EVENT, wake, workflowId, nowMs),
    outcome: facts.outcome,
    reason: facts.reason ?? null,
    dm_sent: facts.dmSent,
    dm_reason: facts.dmReason ?? null,
    model: facts.model ?? null,
    prompt_version: facts.promptVersion ?? null,
    turn_count: facts.turnCount,
    tool_calls: facts.toolCalls,
    tokens: {
      input: facts.usage.inputTokens,
      output: facts.usage.outputTokens,
      cache_read: facts.usage.cacheReadTokens,
      cache_write: facts.usage.cacheWriteTokens,
    },
    cost_usd: facts.costUsd,
    latency_ms: facts.latencyMs,
    request_ids: facts.requestIds ?? [],
  };
}
