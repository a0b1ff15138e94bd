const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/**
 * `--since` accepts a duration back from now (`90s`, `30m`, `6h`, `7d`, `2w`)
 * or an ISO-8601 timestamp (`2026-11-23T10:00:00Z`). Returns the instant, or
 * an error that names what is accepted.
 */
export function parseSince(value: string, now: Date): { at: Date } | { error: string } {
  const duration = /^(\d+)([smhdw])$/.exec(value.trim());
  if (duration) return { at: new Date(now.getTime() - Number(duration[1]) * UNIT_MS[duration[2]!]!) };
  if (/^\d{4}-\d{2}-\d{2}(T|$)/.test(value.trim())) {
    const at = Date.parse(value.trim());
    if (!Number.isNaN(at)) return { at: new Date(at) };
  }
  return { error: `--since ${JSON.stringify(value)}: give a duration such as 30m, 6h, 7d, or an ISO-8601 time such as 2026-11-23T10:00:00Z` };
}
