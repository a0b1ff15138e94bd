/**
 * Issue 4, item 1 and issue 13, item 7: the worker as its own OS process, SIGKILLed at each
 * crash point (test/chaos/crashPoints.ts) and restarted, against a real Temporal dev server
 * process. The investigation lives for its whole window, so a run ends when each incident's root
 * holds its diagnosis (and, at (g), the recovery), not when the workflow completes.
 * `npm run chaos` runs the same matrix 20 times per point.
 */
import { appendFileSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { CRASH_POINTS, type PointId } from '../chaos/crashPoints';
import { summarise } from '../chaos/harness';
import { runCrashMatrix, type PointReport } from '../chaos/matrix';
import { PROJECT_ROOT } from '../../src/runtime/temporalTools';

/** (g)'s retried reply waits for conversations.replies (1 call a minute), so each of its runs takes a minute. */
const RUNS = 3;
const WAKES_PER_RUN = 2;
/** Worker logs and the server's SQLite file stay here for a look after a failure. */
const DIR = path.join(PROJECT_ROOT, 'test-artifacts', 'chaos-matrix');

describe('crash matrix: worker SIGKILLed at each point, restarted; every wake ends with one root message, edited in place', () => {
  let reports: PointReport[] = [];

  beforeAll(async () => {
    rmSync(DIR, { recursive: true, force: true });
    mkdirSync(DIR, { recursive: true });
    const progress = (line: string) => appendFileSync(path.join(DIR, 'progress.log'), `${new Date().toISOString()} ${line}\n`);
    reports = await runCrashMatrix({ dir: DIR, runsPerPoint: RUNS, wakesPerRun: WAKES_PER_RUN, progress });
  }, 540_000);

  const runsOf = (id: PointId) => reports.find((r) => r.id === id)?.runs ?? [];

  it.each(CRASH_POINTS.map((p) => [p.id, p.title] as const))('(%s) %s: killed exactly there in each run', (id) => {
    const runs = runsOf(id);
    expect(runs).toHaveLength(RUNS);
    for (const run of runs) {
      expect({ run: run.run, missed: run.missed, killedBy: run.killedBy }).toEqual({ run: run.run, missed: undefined, killedBy: 'SIGKILL' });
      expect(run.evidence).toEqual(expect.any(String));
    }
  });

  it.each(CRASH_POINTS.map((p) => [p.id, p.title] as const))('(%s) %s: every wake investigated, one root at its diagnosis, one details reply', (id) => {
    const verdicts = runsOf(id).flatMap((run) => run.verdicts);
    expect(verdicts).toHaveLength(RUNS * WAKES_PER_RUN);
    const seen = verdicts.map((v) => ({ id: v.workflowId, completed: v.completed, investigated: v.outcome?.investigated, dmSent: v.outcome?.dmSent, roots: v.dms, details: v.detailsReplies, wrongEdits: v.wrongEdits }));
    expect(seen).toEqual(verdicts.map((v) => ({ id: v.workflowId, completed: true, investigated: true, dmSent: true, roots: 1, details: 1, wrongEdits: 0 })));
    // The workflow state names the root Slack holds: every later edit went to that message.
    for (const v of verdicts) expect({ id: v.workflowId, slackTs: v.outcome?.slackTs }).toEqual({ id: v.workflowId, slackTs: v.dmTs[0] });
  });

  it('(g) the recovery reply is never lost nor sent twice, and the root is marked recovered', () => {
    const verdicts = runsOf('g').flatMap((run) => run.verdicts);
    expect(verdicts).toHaveLength(RUNS * WAKES_PER_RUN);
    expect(verdicts.map((v) => ({ id: v.workflowId, phase: v.outcome?.phase, recovered: v.recoveredReplies }))).toEqual(
      verdicts.map((v) => ({ id: v.workflowId, phase: 'recovered', recovered: 1 })),
    );
    expect(summarise(verdicts, { recovery: true })).toMatchObject({ lost: 0, duplicates: 0, wrongEdits: 0 });
  });

  it('(e) the retry found the post Slack had accepted (conversations.history + metadata) instead of posting again', () => {
    const verdicts = runsOf('e').flatMap((run) => run.verdicts);
    expect(verdicts.length).toBeGreaterThan(0);
    // The first attempt died before Slack's answer arrived: only the look-up can have told the workflow this ts.
    for (const v of verdicts) expect({ id: v.workflowId, slackTs: v.outcome?.slackTs }).toEqual({ id: v.workflowId, slackTs: v.dmTs[0] });
  });
});
