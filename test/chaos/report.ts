import { summarise } from './harness';
import type { PointReport } from './matrix';
import type { RestartRun } from './restarts';

export interface Totals {
  missed: number;
  lost: number;
  duplicates: number;
  wrongEdits: number;
  workerRestartsDuringOutage: number;
}

/** The `npm run chaos` table: one row per crash point, one for the Temporal restarts. */
export function markdownTable(points: PointReport[], restarts: RestartRun[]): string {
  const lines = [
    '| point | worker SIGKILLed | runs | killed at the point | wakes | incidents complete (root at its diagnosis, details reply; g: recovered reply) | lost | duplicates (2nd root or reply) | edits of a wrong message |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  for (const point of points) {
    const s = summarise(point.runs.flatMap((r) => r.verdicts), { recovery: point.recovery });
    const killed = point.runs.filter((r) => r.evidence && r.killedBy === 'SIGKILL').length;
    lines.push(`| (${point.id}) | ${point.title} | ${point.runs.length} | ${killed} | ${s.wakes} | ${s.completed} | ${s.lost} | ${s.duplicates} | ${s.wrongEdits} |`);
  }
  if (restarts.length > 0) {
    const s = summarise(restarts.flatMap((r) => r.verdicts));
    const survived = restarts.filter((r) => r.workerSurvived).length;
    lines.push(
      `| (T) | none: Temporal dev server SIGKILLed mid-run and restarted on its SQLite file (worker kept running in ${survived}/${restarts.length}) | ${restarts.length} | ${restarts.length} | ${s.wakes} | ${s.completed} | ${s.lost} | ${s.duplicates} | ${s.wrongEdits} |`,
    );
  }
  return lines.join('\n');
}

export function totals(points: PointReport[], restarts: RestartRun[]): Totals {
  const parts = [...points.map((p) => summarise(p.runs.flatMap((r) => r.verdicts), { recovery: p.recovery })), summarise(restarts.flatMap((r) => r.verdicts))];
  const sum = (field: 'lost' | 'duplicates' | 'wrongEdits') => parts.reduce((n, s) => n + s[field], 0);
  return {
    missed: points.reduce((n, p) => n + p.runs.filter((r) => !r.evidence).length, 0),
    lost: sum('lost'),
    duplicates: sum('duplicates'),
    wrongEdits: sum('wrongEdits'),
    workerRestartsDuringOutage: restarts.filter((r) => !r.workerSurvived).length,
  };
}
