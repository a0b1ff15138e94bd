/**
 * Issue 4, item 2: the Temporal dev server SIGKILLed mid-run and restarted on
 * the same port and SQLite file, while the worker process keeps running.
 */
import { appendFileSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { runServerRestarts, type RestartRun } from '../chaos/restarts';
import { PROJECT_ROOT } from '../../src/runtime/temporalTools';

const RUNS = 2;
const WAKES_PER_PHASE = 2;
const DIR = path.join(PROJECT_ROOT, 'test-artifacts', 'chaos-restarts');

describe('Temporal dev server killed and restarted under a running worker', () => {
  let runs: RestartRun[] = [];

  beforeAll(async () => {
    rmSync(DIR, { recursive: true, force: true });
    mkdirSync(DIR, { recursive: true });
    const progress = (line: string) => appendFileSync(path.join(DIR, 'progress.log'), `${new Date().toISOString()} ${line}\n`);
    runs = await runServerRestarts({ dir: DIR, runs: RUNS, wakesPerPhase: WAKES_PER_PHASE, outageMs: 3_000, progress });
  }, 240_000);

  it('the same worker process reconnects after every outage', () => {
    expect(runs.map((r) => r.workerSurvived)).toEqual(Array(RUNS).fill(true));
  });

  it.each(['before', 'during', 'after'] as const)('wakes appended %s the outage: each investigated, exactly one DM', (phase) => {
    const ids = new Set(runs.flatMap((r) => r.phases[phase].map((t) => t.workflowId)));
    expect(ids.size).toBe(RUNS * WAKES_PER_PHASE);
    const verdicts = runs.flatMap((r) => r.verdicts).filter((v) => ids.has(v.workflowId));
    const seen = verdicts.map((v) => ({ id: v.workflowId, completed: v.completed, investigated: v.outcome?.investigated, dmSent: v.outcome?.dmSent, dms: v.dms }));
    expect(seen).toEqual([...ids].map((id) => ({ id, completed: true, investigated: true, dmSent: true, dms: 1 })));
  });
});
