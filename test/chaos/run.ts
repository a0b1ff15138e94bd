/**
 * `npm run chaos`: the full crash matrix (default 20 runs per point) and the
 * Temporal restart runs, side by side on their own dev servers; prints a
 * markdown table. Exit code 1 when any run missed its point, lost a wake or
 * sent a second root or reply, or edited a wrong message. Options: --runs N, --wakes N (per run), --restarts N,
 * --points abcdefg, --keep (keep the work folder with the worker logs).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { PointId } from './crashPoints';
import { runCrashMatrix } from './matrix';
import { markdownTable, totals } from './report';
import { runServerRestarts } from './restarts';

interface Args {
  runs: number;
  wakes: number;
  restarts: number;
  points: PointId[];
  keep: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { runs: 20, wakes: 2, restarts: 20, points: ['a', 'b', 'c', 'd', 'e', 'f', 'g'], keep: false };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    const count = () => {
      i += 1;
      if (!value || !/^\d+$/.test(value)) throw new Error(`${flag} needs a whole number, got ${JSON.stringify(value)}`);
      return Number(value);
    };
    if (flag === '--runs') args.runs = count();
    else if (flag === '--wakes') args.wakes = Math.max(1, count());
    else if (flag === '--restarts') args.restarts = count();
    else if (flag === '--keep') args.keep = true;
    else if (flag === '--points') {
      i += 1;
      if (!value || !/^[a-g]+$/.test(value)) throw new Error(`--points takes letters from abcdefg, got ${JSON.stringify(value)}`);
      args.points = [...new Set(value.split(''))] as PointId[];
    } else throw new Error(`unknown option ${flag} (options: --runs N --wakes N --restarts N --points abcdefg --keep)`);
  }
  return args;
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const dir = mkdtempSync(path.join(os.tmpdir(), 'probe-wake-chaos-'));
  const progress = (line: string) => process.stderr.write(`${line}\n`);
  const started = Date.now();
  progress(`chaos: ${args.runs} runs per point (${args.points.join('')}), ${args.wakes} wakes per run, ${args.restarts} Temporal restarts; work folder ${dir}`);
  let failed = true;
  try {
    const [points, restarts] = await Promise.all([
      runCrashMatrix({ dir: path.join(dir, 'matrix'), runsPerPoint: args.runs, wakesPerRun: args.wakes, points: args.points, progress }),
      args.restarts > 0
        ? runServerRestarts({ dir: path.join(dir, 'restarts'), runs: args.restarts, wakesPerPhase: args.wakes, outageMs: 3_000, progress })
        : Promise.resolve([]),
    ]);
    const t = totals(points, restarts);
    failed = t.missed + t.lost + t.duplicates + t.wrongEdits + t.workerRestartsDuringOutage > 0;
    process.stdout.write(`\n${markdownTable(points, restarts)}\n\n`);
    process.stdout.write(
      `Totals: ${t.missed} runs missed their point, ${t.lost} wakes lost, ${t.duplicates} duplicate messages, ${t.wrongEdits} edits of a wrong message; ${((Date.now() - started) / 1000).toFixed(0)} s in all.\n`,
    );
  } finally {
    if (args.keep || failed) progress(`work folder kept: ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`chaos failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
