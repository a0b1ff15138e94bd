import type { Client, WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

const { EventType } = temporal.api.enums.v1;

/**
 * A compact timeline of one workflow's history from `sinceMs` on (times from
 * `originMs`, else its first event there): where the time went, for --profile
 * and for docs/performance.md's "what bounds it".
 */
export async function historyTimeline(handle: WorkflowHandle, sinceMs: number, limit = 80, originMs?: number): Promise<string[]> {
  const history = await handle.fetchHistory();
  const events = history.events ?? [];
  const bytes = temporal.api.history.v1.History.encode(history).finish().length;
  const lines: string[] = [];
  let previous: string | undefined;
  let repeat = 0;
  let origin = originMs;
  for (const event of events) {
    const time = event.eventTime;
    const at = Number(time?.seconds ?? 0) * 1000 + Math.floor((time?.nanos ?? 0) / 1e6);
    if (at < sinceMs) continue;
    origin ??= at;
    const name = EventType[event.eventType ?? 0]?.replace(/^EVENT_TYPE_/, '') ?? String(event.eventType);
    if (name === previous) {
      repeat += 1;
      continue;
    }
    if (repeat > 0) lines.push(`      ... x${repeat + 1}`);
    repeat = 0;
    previous = name;
    lines.push(`${String(at - origin).padStart(7)} ms  #${event.eventId}  ${name}`);
  }
  if (repeat > 0) lines.push(`      ... x${repeat + 1}`);
  lines.push(`whole history: ${events.length} events, ${(bytes / 1024).toFixed(0)} KiB`);
  return lines.length > limit ? [...lines.slice(0, limit / 2), `      ... ${lines.length - limit} lines ...`, ...lines.slice(-limit / 2)] : lines;
}

/** Every run of a workflow that was open after `sinceMs`, times from `sinceMs` (continue-as-new makes several). */
export async function allRunsTimeline(client: Client, workflowId: string, sinceMs: number, limitPerRun = 60): Promise<string[]> {
  const runs: Array<{ runId: string; start: number }> = [];
  for await (const execution of client.workflow.list({ query: `WorkflowId = "${workflowId}"` })) {
    if (execution.closeTime && execution.closeTime.getTime() < sinceMs) continue;
    runs.push({ runId: execution.runId, start: execution.startTime.getTime() });
  }
  runs.sort((a, b) => a.start - b.start);
  const lines: string[] = [];
  for (const run of runs) {
    lines.push(`run ${run.runId}:`);
    lines.push(...(await historyTimeline(client.workflow.getHandle(workflowId, run.runId), sinceMs, limitPerRun, sinceMs)));
  }
  return lines;
}
