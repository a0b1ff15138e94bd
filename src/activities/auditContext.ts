import { promises as fs } from 'node:fs';
import { parseAuditLine, type ProbeResult } from '../domain/auditRow';
import type { AuditContext } from '../domain/prompt';
import { deriveWakeId } from './auditFile';

/** How far back from the end of the log the investigation looks for probe results. */
const CONTEXT_BYTES = 256 * 1024;
const RECENT_RESULTS = 5;

/**
 * Reads only the last CONTEXT_BYTES of the log (so cost does not grow with the
 * file): this probe's recent results and every other probe's latest status.
 * A missing or unreadable log yields empty context rather than failing the investigation.
 */
export async function readAuditContext(path: string, probe: string): Promise<AuditContext> {
  const results = await readRecentResults(path).catch(() => [] as ProbeResult[]);
  const latestByProbe = new Map<string, ProbeResult>();
  for (const result of results) latestByProbe.set(result.probe, result);
  return {
    recentResultsOfProbe: results.filter((r) => r.probe === probe).slice(-RECENT_RESULTS),
    latestStatusOfOtherProbes: [...latestByProbe.values()].filter((r) => r.probe !== probe),
  };
}

async function readRecentResults(path: string): Promise<ProbeResult[]> {
  const handle = await fs.open(path, 'r');
  try {
    const { size } = await handle.stat();
    const start = Math.max(0, size - CONTEXT_BYTES);
    const buffer = Buffer.alloc(size - start);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, start);
    const lines = buffer.subarray(0, bytesRead).toString('utf8').split('\n');
    if (start > 0) lines.shift(); // the first line is probably cut
    const results: ProbeResult[] = [];
    for (const line of lines) {
      if (!line.includes('"probe.result"')) continue;
      const parsed = parseAuditLine(line, 0, deriveWakeId);
      if (parsed.kind === 'result') results.push(parsed.result);
    }
    return results;
  } finally {
    await handle.close();
  }
}
