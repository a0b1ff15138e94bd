import path from 'node:path';
import { CRASH_POINTS, type CrashPoint, type PointId } from './crashPoints';
import { connectClient, Lane, TemporalServer, type WakeVerdict } from './harness';

export interface CrashRun {
  run: number;
  /** What the harness saw at the point just before the SIGKILL; absent when the point was not reached. */
  evidence?: string;
  missed?: string;
  killedBy?: NodeJS.Signals | null;
  verdicts: WakeVerdict[];
  seconds: number;
}

export interface PointReport {
  id: PointId;
  title: string;
  recovery: boolean;
  runs: CrashRun[];
}

export interface MatrixOptions {
  dir: string;
  runsPerPoint: number;
  /** Wakes per run, each on its own (probe, category) pair: all of them are at the point when the worker dies. */
  wakesPerRun: number;
  points?: PointId[];
  pollSeconds?: number;
  progress?: (line: string) => void;
}

/** Per run: generous, since a run normally settles in seconds; a miss is reported, not thrown. */
const VERDICT_TIMEOUT_MS = 120_000;

/**
 * One Temporal dev server; one lane (worker process, tail, fakes) per crash
 * point, all lanes side by side; each lane kills its worker at its point
 * `runsPerPoint` times, one run after another, restarting it each time.
 */
export async function runCrashMatrix(options: MatrixOptions): Promise<PointReport[]> {
  const points = CRASH_POINTS.filter((p) => !options.points || options.points.includes(p.id));
  const server = await TemporalServer.start(options.dir);
  const { client, close } = await connectClient(server.address);
  const lanes: Lane[] = [];
  try {
    for (const point of points) {
      lanes.push(
        new Lane({ name: point.id, dir: path.join(options.dir, `lane-${point.id}`), address: server.address, client, pollSeconds: options.pollSeconds ?? 1 }),
      );
    }
    await Promise.all(lanes.map((lane) => lane.start()));
    return await Promise.all(points.map((point, i) => runPoint(point, lanes[i]!, options)));
  } finally {
    await Promise.all(lanes.map((lane) => lane.stop()));
    await close();
    await server.stop();
  }
}

async function runPoint(point: CrashPoint, lane: Lane, options: MatrixOptions): Promise<PointReport> {
  const runs: CrashRun[] = [];
  for (let run = 1; run <= options.runsPerPoint; run++) {
    const result = await crashRun(point, lane, run, options.wakesPerRun);
    runs.push(result);
    const dms = result.verdicts.map((v) => `${v.dms}+${v.detailsReplies}${point.verdicts?.recovery ? `+${v.recoveredReplies}` : ''}${v.wrongEdits ? ` (${v.wrongEdits} wrong edits)` : ''}${v.error ? ` (${v.error})` : ''}`).join('/');
    options.progress?.(
      `(${point.id}) run ${run}: ${result.evidence ?? `MISSED: ${result.missed}`}; killed by ${result.killedBy}; roots+replies per wake ${dms}; ${result.seconds.toFixed(1)} s`,
    );
  }
  return { id: point.id, title: point.title, recovery: point.verdicts?.recovery === true, runs };
}

async function crashRun(point: CrashPoint, lane: Lane, run: number, wakes: number): Promise<CrashRun> {
  const started = Date.now();
  const targets = lane.newTargets(wakes, `r${run}`);
  const armed = point.arm(lane, targets);
  if (!point.appendsItself) await lane.append(targets);
  let evidence: string | undefined;
  let missed: string | undefined;
  try {
    evidence = await armed.reached;
  } catch (err) {
    missed = err instanceof Error ? err.message : String(err);
  } finally {
    armed.disarm();
  }
  // Killed even after a miss: a held or frozen worker must not linger.
  const { signal } = await lane.killWorker();
  await lane.spawnWorker();
  const verdicts = await lane.verdicts(targets, VERDICT_TIMEOUT_MS, point.verdicts);
  return { run, evidence, missed, killedBy: signal, verdicts, seconds: (Date.now() - started) / 1000 };
}
