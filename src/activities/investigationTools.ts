import { resultRowSchema, wakeRowSchema } from '../domain/auditRow';
import { checkToolCall, type ToolCall } from '../domain/investigationTools';
import { COMPLETED_EVENT } from '../domain/investigationRows';
import { recentRows } from './auditBackwards';

export interface ToolRequest {
  name: string;
  input: unknown;
}

export interface ToolOutput {
  /** JSON text handed to the model as the tool_result content; the reason when `isError`. */
  content: string;
  /** An unknown tool or input that does not match its schema: the model is told, nothing is read. */
  isError?: boolean;
}

/** How many distinct probes `latest_status_all_probes` reports at most. */
const MAX_PROBES = 50;

/** The investigating model's read-only view of the audit log. */
export function createRunInvestigationTool(auditLogPath: string) {
  return async function runInvestigationTool({ name, input }: ToolRequest): Promise<ToolOutput> {
    const checked = checkToolCall(name, input);
    if (!checked.ok) return { content: checked.error, isError: true };
    const call = checked.call;
    // Audit rows are untrusted: no field may close a tag in the conversation.
    return { content: JSON.stringify(await answer(auditLogPath, call)).replace(/</g, '\\u003c') };
  };
}

async function answer(path: string, call: ToolCall): Promise<unknown> {
  switch (call.name) {
    case 'latest_status_all_probes': {
      const latest = new Map<string, unknown>();
      await recentRows(
        path,
        MAX_PROBES,
        (row) => {
          const result = resultRowSchema.safeParse(row);
          if (!result.success || latest.has(result.data.probe)) return undefined;
          latest.set(result.data.probe, brief(result.data));
          return result.data.probe;
        },
        { prefilter: '"probe.result"' },
      );
      return { probes: [...latest.values()] };
    }
    case 'recent_probe_results': {
      const { probe, limit } = call.input;
      const results = await recentRows(
        path,
        limit,
        (row) => {
          const result = resultRowSchema.safeParse(row);
          return result.success && result.data.probe === probe ? brief(result.data) : undefined;
        },
        { prefilter: '"probe.result"' },
      );
      return { probe, results };
    }
    case 'recent_wakes': {
      const { probe, category, limit } = call.input;
      const wakes = await recentRows(
        path,
        limit,
        (row) => {
          const wake = wakeRowSchema.safeParse(row);
          if (!wake.success || wake.data.probe !== probe || wake.data.issue_category !== category) return undefined;
          return { ts: wake.data.ts, wake_id: wake.data.wake_id, severity: wake.data.severity, summary: wake.data.summary };
        },
        { prefilter: '"probe.wake_requested"' },
      );
      return { probe, category, wakes };
    }
    case 'past_investigations': {
      const { probe, category, limit } = call.input;
      const investigations = await recentRows(
        path,
        limit,
        (row) =>
          row.event === COMPLETED_EVENT && row.probe === probe && row.issue_category === category
            ? { ts: row.ts, workflow_id: row.workflow_id, outcome: row.outcome, reason: row.reason, dm_sent: row.dm_sent }
            : undefined,
        { prefilter: `"${COMPLETED_EVENT}"` },
      );
      return { probe, category, investigations };
    }
  }
}

function brief(result: { ts: string; probe: string; status: string; summary?: string }) {
  return { ts: result.ts, probe: result.probe, status: result.status, summary: result.summary };
}
