/**
 * Durations and instants as probe-wake writes and reads them, in every message
 * and command: one formatter, one parser, one clock. Pure.
 */

/** `24h`, `90m`, `2d`, `3600s` or bare seconds; undefined when malformed. */
export function parseDurationMs(value: string): number | undefined {
  const match = /^([0-9]+(?:\.[0-9]+)?)\s*(s|m|h|d)?$/i.exec(value.trim());
  if (!match) return undefined;
  const unit = (match[2] ?? 's').toLowerCase() as 's' | 'm' | 'h' | 'd';
  const factor = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[unit];
  return Math.round(Number(match[1]) * factor);
}

/** `45 s`, `26 min`, `2 h`, `1 h 5 min`, `24 h`, `3 d 4 h`. */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
  const days = Math.floor(hours / 24);
  return hours % 24 === 0 ? `${days} d` : `${days} d ${hours % 24} h`;
}

/** `10:32 UTC`: workflow code knows no time zone, so every message says which one it uses. */
export function clockUtc(ms: number): string {
  return `${new Date(ms).toISOString().slice(11, 16)} UTC`;
}
