import { z } from 'zod';

/** Probe and category names feed workflow IDs, so they are kept to a safe alphabet. */
const NAME = /^[A-Za-z0-9_.-]{1,64}$/;
/** Wake IDs become part of workflow IDs too; same reasoning, a little longer. */
const WAKE_ID = /^[A-Za-z0-9_.:-]{1,128}$/;

const isoTimestamp = z.string().refine((value) => /^\d{4}-\d{2}-\d{2}T/.test(value) && !Number.isNaN(Date.parse(value)), {
  message: 'must be an ISO-8601 timestamp',
});
const name = z.string().regex(NAME, 'must be 1-64 characters of [A-Za-z0-9_.-]');

export const SEVERITIES = ['critical', 'warning', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const wakeRowSchema = z.object({
  ts: isoTimestamp,
  event: z.literal('probe.wake_requested'),
  wake_id: z.string().regex(WAKE_ID, 'must be 1-128 characters of [A-Za-z0-9_.:-]').optional(),
  probe: name,
  issue_category: name,
  severity: z.enum(SEVERITIES),
  summary: z.string().optional(),
  details: z.record(z.string(), z.unknown()).optional(),
  impact: z.string().optional(),
  snapshot: z.record(z.string(), z.unknown()).optional(),
  envelope: z.object({ enabled: z.boolean(), fix_name: z.string() }).optional(),
});

export const resultRowSchema = z.object({
  ts: isoTimestamp,
  event: z.literal('probe.result'),
  probe: name,
  status: z.enum(['healthy', 'degraded', 'unhealthy']),
  summary: z.string().optional(),
  details: z.record(z.string(), z.unknown()).optional(),
});

export type ProbeResult = z.infer<typeof resultRowSchema>;

/**
 * A probe saying it recovered by itself: closes that pair's open window at
 * once, or every window of the probe when it names no category.
 */
export const recoveredRowSchema = z.object({
  ts: isoTimestamp,
  event: z.literal('probe.recovered'),
  probe: name,
  issue_category: name.optional(),
  summary: z.string().optional(),
});

export type ProbeRecovered = z.infer<typeof recoveredRowSchema>;

/** A validated wake, as it travels through workflows (camelCase, wake ID always set). */
export interface Wake {
  wakeId: string;
  ts: string;
  probe: string;
  category: string;
  severity: Severity;
  summary?: string;
  details?: Record<string, unknown>;
  impact?: string;
  snapshot?: Record<string, unknown>;
  envelope?: { enabled: boolean; fixName: string };
  /** Byte offset of the row in the audit log, for tracing a DM back to its line. */
  offset: number;
}

export type ParsedLine =
  | { kind: 'wake'; wake: Wake }
  | { kind: 'result'; result: ProbeResult }
  | { kind: 'recovered'; recovered: ProbeRecovered }
  | { kind: 'other' }
  | { kind: 'bad'; offset: number; reason: string };

/**
 * Derives a stable wake ID for rows that carry none: the same line at the same
 * offset always yields the same ID, so replays and retries dedupe.
 */
export type WakeIdDeriver = (offset: number, line: string) => string;

export function parseAuditLine(line: string, offset: number, deriveWakeId: WakeIdDeriver): ParsedLine {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { kind: 'bad', offset, reason: 'not valid JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { kind: 'bad', offset, reason: 'not a JSON object' };
  }
  const event = (value as { event?: unknown }).event;
  if (event === 'probe.wake_requested') {
    const parsed = wakeRowSchema.safeParse(value);
    if (!parsed.success) return { kind: 'bad', offset, reason: describeIssues(parsed.error) };
    const row = parsed.data;
    return {
      kind: 'wake',
      wake: {
        wakeId: row.wake_id ?? deriveWakeId(offset, line),
        ts: row.ts,
        probe: row.probe,
        category: row.issue_category,
        severity: row.severity,
        summary: row.summary,
        details: row.details,
        impact: row.impact,
        snapshot: row.snapshot,
        envelope: row.envelope && { enabled: row.envelope.enabled, fixName: row.envelope.fix_name },
        offset,
      },
    };
  }
  if (event === 'probe.result') {
    const parsed = resultRowSchema.safeParse(value);
    if (!parsed.success) return { kind: 'bad', offset, reason: describeIssues(parsed.error) };
    return { kind: 'result', result: parsed.data };
  }
  if (event === 'probe.recovered') {
    const parsed = recoveredRowSchema.safeParse(value);
    if (!parsed.success) return { kind: 'bad', offset, reason: describeIssues(parsed.error) };
    return { kind: 'recovered', recovered: parsed.data };
  }
  if (typeof event !== 'string') return { kind: 'bad', offset, reason: 'field "event" is missing or not a string' };
  return { kind: 'other' };
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `field "${issue.path.join('.') || '(row)'}" ${issue.message}`)
    .join('; ');
}
