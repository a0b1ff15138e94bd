import type { ProbeResult, Wake } from './auditRow';

export interface AuditContext {
  recentResultsOfProbe: ProbeResult[];
  latestStatusOfOtherProbes: ProbeResult[];
}

/**
 * The first user message of an investigation. The system prompt is the
 * versioned template under prompts/. The wake's text is data, fenced and
 * JSON-encoded, never prose.
 */
export function buildUserPrompt(wake: Wake, context: AuditContext): string {
  const wakeData = {
    probe: wake.probe,
    category: wake.category,
    severity: wake.severity,
    ts: wake.ts,
    summary: wake.summary,
    details: wake.details,
    impact: wake.impact,
    snapshot: wake.snapshot,
  };
  const envelope = wake.envelope
    ? `Auto-fix envelope: ${wake.envelope.enabled ? 'ENABLED' : 'DISABLED'}${wake.envelope.fixName ? ` (fix: ${wake.envelope.fixName})` : ''}.`
    : 'Auto-fix envelope: none configured for this probe.';
  return [
    `Probe "${wake.probe}" requested a wake for issue category "${wake.category}" (${wake.severity}).`,
    envelope,
    '<wake>',
    fenced(wakeData),
    '</wake>',
    '<audit_context>',
    fenced({
      recent_results_of_this_probe: context.recentResultsOfProbe.map(brief),
      latest_status_of_other_probes: context.latestStatusOfOtherProbes.map(brief),
    }),
    '</audit_context>',
  ].join('\n');
}

/** JSON with `<` escaped, so no field can close the fence it sits in. */
function fenced(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(/</g, '\\u003c');
}

function brief(result: ProbeResult) {
  return { ts: result.ts, probe: result.probe, status: result.status, summary: result.summary };
}
