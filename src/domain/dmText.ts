import type { Severity, Wake } from './auditRow';
import { capLength, inert } from './slackText';

const SEVERITY_EMOJI: Record<Severity, string> = { critical: '🚨', warning: '⚠️', info: 'ℹ️' };

export type Finding =
  | { investigated: true; text: string }
  | { investigated: false; reason: string };

export function headerLine(wake: Pick<Wake, 'probe' | 'severity'>): string {
  return `${SEVERITY_EMOJI[wake.severity]} Probe alert · ${wake.probe}`;
}

/** The DM text for either path, already neutralised, escaped and capped. */
export function formatDm(wake: Wake, finding: Finding): string {
  const body = finding.investigated ? inert(finding.text.trim()) : fallbackBody(wake, finding.reason);
  return capLength(`${headerLine(wake)}\n${body}`);
}

function fallbackBody(wake: Wake, reason: string): string {
  const lines = factLines(wake);
  if (lines.length > 2) lines.push('');
  lines.push(`I was unable to investigate — engine returned: ${inert(reason)}`);
  return lines.join('\n');
}

/**
 * The wake's facts as the fallback DM shows them, already inert: the summary line, a blank line, then the
 * status and impact lines when the wake has them. The alert posted before the model answers shows the same.
 */
export function factLines(wake: Wake): string[] {
  const lines = [inert(`${wake.probe} (${wake.severity}): ${wake.summary ?? 'no summary given'}`), ''];
  const status = statusLine(wake);
  if (status) lines.push(inert(status));
  if (wake.impact) lines.push(inert(wake.impact));
  return lines;
}

/** "Fly probe reported status=unhealthy. error='HTTP 401'." from the wake's details. */
function statusLine(wake: Wake): string | undefined {
  const status = wake.details?.status;
  const error = wake.details?.error;
  const parts: string[] = [];
  if (status !== undefined) parts.push(`status=${stringify(status)}.`);
  if (error !== undefined) parts.push(`error='${stringify(error)}'.`);
  if (parts.length === 0) return undefined;
  const probeName = wake.probe.charAt(0).toUpperCase() + wake.probe.slice(1);
  return `${probeName} probe reported ${parts.join(' ')}`;
}

function stringify(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}
