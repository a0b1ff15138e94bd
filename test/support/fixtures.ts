import { readFileSync } from 'node:fs';
import path from 'node:path';
import { deriveWakeId } from '../../src/activities/auditFile';
import { parseAuditLine, type Wake } from '../../src/domain/auditRow';

export type FixtureName = 'audit-sample.jsonl' | 'bad-rows.jsonl';

export function fixtureText(name: FixtureName): string {
  return readFileSync(path.join(__dirname, '..', 'fixtures', name), 'utf8');
}

export function fixtureLines(name: FixtureName): string[] {
  return fixtureText(name).split('\n').filter((line) => line !== '');
}

/** Line `index` (0-based) of a fixture parsed as the tail would, with its real byte offset. */
export function fixtureWake(name: FixtureName, index: number): Wake {
  const lines = fixtureLines(name);
  const offset = lines.slice(0, index).reduce((sum, line) => sum + Buffer.byteLength(line) + 1, 0);
  const parsed = parseAuditLine(lines[index]!, offset, deriveWakeId);
  if (parsed.kind !== 'wake') throw new Error(`${name} line ${index + 1} is not a wake: ${parsed.kind}`);
  return parsed.wake;
}

/** The fly/auth critical wake of audit-sample.jsonl (line 4). */
export const flyWake = (): Wake => fixtureWake('audit-sample.jsonl', 3);

/** The fallback DM for the fly wake, exactly as the contract's example shows it. */
export function flyFallbackDm(reason: string): string {
  return [
    '🚨 Probe alert · fly',
    'fly (critical): Fly app(s) unreachable: HTTP 401',
    '',
    "Fly probe reported status=unhealthy. error='HTTP 401'.",
    'Deploy-control impact: app machines may be unreachable; scale-down / restart actions may not complete.',
    '',
    `I was unable to investigate — engine returned: ${reason}`,
  ].join('\n');
}
