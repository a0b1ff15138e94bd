import type { Wake } from './auditRow';
import { headerLine } from './dmText';

/**
 * What the Temporal Web UI shows for an investigation before it has run:
 * a one-line summary for the workflow list and short markdown details for its
 * page. Both are static (set at start), so they only carry the wake's facts.
 */
export interface InvestigationCard {
  summary: string;
  details: string;
}

/** The Web UI truncates long summaries; keep ours to one readable line. */
const SUMMARY_MAX = 200;
/** Static details are stored with every start; a few KiB is plenty for the facts of a wake. */
const DETAILS_MAX = 4000;

export function investigationCard(wake: Wake): InvestigationCard {
  return { summary: investigationSummary(wake), details: investigationDetails(wake) };
}

export function investigationSummary(wake: Wake): string {
  const line = `${headerLine(wake)} — ${oneLine(wake.summary ?? `${wake.category} (${wake.severity})`)}`;
  return clip(line, SUMMARY_MAX);
}

export function investigationDetails(wake: Wake): string {
  const lines = [
    `**Severity:** ${wake.severity}`,
    `**Probe:** ${code(wake.probe)} · **Category:** ${code(wake.category)}`,
    `**Wake:** ${code(wake.wakeId)} at ${wake.ts} (audit log offset ${wake.offset})`,
  ];
  if (wake.impact) lines.push(`**Impact:** ${oneLine(wake.impact)}`);
  if (wake.envelope) lines.push(`**Auto-fix:** ${code(wake.envelope.fixName)} ${wake.envelope.enabled ? 'enabled' : 'disabled'}`);
  if (wake.details && Object.keys(wake.details).length > 0) {
    lines.push('', '**Details:**', '```json', JSON.stringify(wake.details, null, 2).replace(/`/g, '\\u0060'), '```');
  }
  return clip(lines.join('\n'), DETAILS_MAX);
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Inline code that cannot be broken out of: names are [A-Za-z0-9_.:-] already, but be safe. */
function code(text: string): string {
  return `\`${text.replace(/`/g, "'")}\``;
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
