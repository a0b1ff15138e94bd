import { resultRowSchema, type ProbeResult } from '../domain/auditRow';
import type { AuditContext } from '../domain/prompt';
import { recentRows } from './auditBackwards';

const RECENT_RESULTS = 5;
const MAX_PROBES = 50;
/** The first message's context looks back this far; the model's tools can look further. */
const CONTEXT_SCAN_BYTES = 1024 * 1024;

/**
 * This probe's recent results and every other probe's latest status, read
 * backwards from the end of the log (so cost does not grow with the file).
 * A missing or unreadable log yields empty context rather than failing the investigation.
 */
export async function readAuditContext(path: string, probe: string): Promise<AuditContext> {
  const own: ProbeResult[] = [];
  const latestOfOthers = new Map<string, ProbeResult>();
  await recentRows(
    path,
    RECENT_RESULTS + MAX_PROBES,
    (row) => {
      const parsed = resultRowSchema.safeParse(row);
      if (!parsed.success) return undefined;
      const result = parsed.data;
      if (result.probe === probe) {
        if (own.length >= RECENT_RESULTS) return undefined;
        own.push(result);
        return result;
      }
      if (latestOfOthers.has(result.probe)) return undefined;
      latestOfOthers.set(result.probe, result);
      return result;
    },
    { prefilter: '"probe.result"', maxBytes: CONTEXT_SCAN_BYTES },
  ).catch(() => []);
  // Oldest first, as they stand in the log.
  return { recentResultsOfProbe: own.reverse(), latestStatusOfOtherProbes: [...latestOfOthers.values()].reverse() };
}
