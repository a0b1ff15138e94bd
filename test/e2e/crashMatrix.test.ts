/**
 * Issue 4, item 1: the worker as its own OS process, SIGKILLed at each crash
 * point (test/chaos/crashPoints.ts) and restarted, against a real Temporal dev
 * server process. `npm run chaos` runs the same matrix 20 times per point.
 */
import { appendFileSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { CRASH_POINTS, type PointId } from '../chaos/crashPoints';
import { runCrashMatrix, type PointReport } from '../chaos/matrix';
import { PROJECT_ROOT } from '../../src/runtime/temporalTools';

const RUNS = 5;
const WAKES_PER_RUN = 2;
/** Worker logs and the server's SQLite file stay here for a look after a failure. */
const DIR = path.join(PROJECT_ROOT, 'test-artifacts', 'chaos-matrix');

describe('crash matrix: worker SIGKILLed at each point, restarted; every wake ends with one DM', () => {
  let reports: PointReport[] = [];

  beforeAll(async () => {
    rmSync(DIR, { recursive: true, force: true });
    mkdirSync(DIR, { recursive: true });
    const progress = (line: string) => appendFileSync(path.join(DIR, 'progress.log'), `${new Date().toISOString()} ${line}\n`);
    reports = await runCrashMatrix({ dir: DIR, runsPerPoint: RUNS, wakesPerRun: WAKES_PER_RUN, progress });
  }, 300_000);

  const runsOf = (id: PointId) => reports.find((r) => r.id === id)?.runs ?? [];

  it.each(CRASH_POINTS.map((p) => [p.id, p.title] as const))('(%s) %s: killed exactly there in each of 5 runs', (id) => {
    const runs = runsOf(id);
    expect(runs).toHaveLength(RUNS);
    for (const run of runs) {
      expect({ run: run.run, missed: run.missed, killedBy: run.killedBy }).toEqual({ run: run.run, missed: undefined, killedBy: 'SIGKILL' });
      expect(run.evidence).toEqual(expect.any(String));
    }
  });

  it.each(CRASH_POINTS.map((p) => [p.id, p.title] as const))('(%s) %s: every wake investigated, exactly one DM', (id) => {
    const verdicts = runsOf(id).flatMap((run) => run.verdicts);
    expect(verdicts).toHaveLength(RUNS * WAKES_PER_RUN);
    const seen = verdicts.map((v) => ({ id: v.workflowId, completed: v.completed, investigated: v.outcome?.investigated, dmSent: v.outcome?.dmSent, dms: v.dms }));
    expect(seen).toEqual(verdicts.map((v) => ({ id: v.workflowId, completed: true, investigated: true, dmSent: true, dms: 1 })));
  });

  it('(e) the retry found the post Slack had accepted (conversations.history + metadata) instead of posting again', () => {
    const verdicts = runsOf('e').flatMap((run) => run.verdicts);
    expect(verdicts.length).toBeGreaterThan(0);
    // The first attempt died before Slack's answer arrived: only the look-up can have told the workflow this ts.
    for (const v of verdicts) expect({ id: v.workflowId, slackTs: v.outcome?.slackTs }).toEqual({ id: v.workflowId, slackTs: v.dmTs[0] });
  });
});
