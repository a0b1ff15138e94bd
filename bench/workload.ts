import { appendFileSync } from 'node:fs';

const SEVERITIES = ['critical', 'warning', 'info'] as const;

/** One wake row in the audit log's format (DESIGN "The audit log"), about 450 bytes like a real one. */
export function wakeRow(probe: string, category: string, wakeId: string, index = 0): string {
  return (
    JSON.stringify({
      ts: new Date().toISOString(),
      event: 'probe.wake_requested',
      wake_id: wakeId,
      probe,
      issue_category: category,
      severity: SEVERITIES[index % SEVERITIES.length],
      summary: `${probe} probe: HTTP 401 from the upstream API`,
      details: { status: 'unhealthy', error: 'HTTP 401', apps: ['kora-runtime', 'staging'] },
      impact: 'Deploy-control impact: app machines may be unreachable; scale-down / restart actions may not complete.',
      snapshot: { machines_reachable: 0, deploys_24h: 'unknown' },
      envelope: { enabled: false, fix_name: 'restart_unhealthy_machine' },
    }) + '\n'
  );
}

/** Context rows the investigations read (probe.result), and filler that the tail skips. */
export function resultRow(probe: string, status: 'healthy' | 'unhealthy'): string {
  return JSON.stringify({ ts: new Date().toISOString(), event: 'probe.result', probe, status, summary: `${probe} is ${status}` }) + '\n';
}

export function otherRow(i: number): string {
  return JSON.stringify({ ts: new Date().toISOString(), event: 'deploy.step', step: i, service: 'kora-runtime', message: 'rolling restart in progress' }) + '\n';
}

/** Appends a row and returns the wall-clock time just before the write (the latency clock's start). */
export function appendTimed(file: string, row: string): number {
  const at = Date.now();
  appendFileSync(file, row);
  return at;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
