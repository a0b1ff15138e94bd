import path from 'node:path';
import { FakeAnthropic, FAKE_DIAGNOSIS } from '../support/fakeAnthropic';
import { delay, eventually } from '../support/poll';
import { connectClient, Lane, MISS_ENDS_WAIT, TemporalServer, type WakeTarget, type WakeVerdict } from './harness';

export interface RestartRun {
  run: number;
  /** The same worker process ran before, through and after the outage. */
  workerSurvived: boolean;
  phases: { before: WakeTarget[]; during: WakeTarget[]; after: WakeTarget[] };
  verdicts: WakeVerdict[];
  seconds: number;
}

export interface RestartOptions {
  dir: string;
  runs: number;
  wakesPerPhase: number;
  outageMs: number;
  pollSeconds?: number;
  progress?: (line: string) => void;
}

/** Posts left uncertain by the outage are looked up (conversations.history / .replies: 1 call a minute each) before a re-post. */
const VERDICT_TIMEOUT_MS = 300_000;
/** The "before" wakes' LLM answers are this slow, so their investigations are mid-call when the server dies. */
const LLM_DELAY_MS = 2_000;

/**
 * Its own Temporal dev server (SQLite file) and one lane. Each run: wakes
 * appended before the outage (investigations mid-LLM-call when the server is
 * SIGKILLed), during it (the tail cannot run) and after the server restarts
 * on the same port and file; the worker process is never restarted.
 */
export async function runServerRestarts(options: RestartOptions): Promise<RestartRun[]> {
  const server = await TemporalServer.start(options.dir);
  const { client, close } = await connectClient(server.address);
  let lane: Lane | undefined;
  try {
    lane = new Lane({ name: 't', dir: path.join(options.dir, 'lane-t'), address: server.address, client, pollSeconds: options.pollSeconds ?? 1 });
    await lane.start();
    const runs: RestartRun[] = [];
    for (let run = 1; run <= options.runs; run++) {
      const result = await restartRun(server, lane, run, options);
      runs.push(result);
      const dms = result.verdicts.map((v) => `${v.dms}+${v.detailsReplies}${v.error ? ` (${v.error})` : ''}`).join('/');
      options.progress?.(`(T) run ${run}: server SIGKILLed for ${options.outageMs} ms; worker survived: ${result.workerSurvived}; roots+replies per wake ${dms}; ${result.seconds.toFixed(1)} s`);
    }
    return runs;
  } finally {
    await lane?.stop();
    await close();
    await server.stop();
  }
}

async function restartRun(server: TemporalServer, lane: Lane, run: number, options: RestartOptions): Promise<RestartRun> {
  const started = Date.now();
  const worker = lane.worker!;
  const before = lane.newTargets(options.wakesPerPhase, `r${run}-before`);
  const calls = lane.anthropic.messageRequests.length;
  for (const _ of before) lane.anthropic.script('/v1/messages', { kind: 'slow', delayMs: LLM_DELAY_MS, then: FakeAnthropic.text(FAKE_DIAGNOSIS) });
  await lane.append(before);
  await eventually(() => (lane.anthropic.messageRequests.length - calls >= before.length ? true : undefined), 60_000, 'the investigations to be mid-call', MISS_ENDS_WAIT);

  await server.kill();
  const during = lane.newTargets(options.wakesPerPhase, `r${run}-during`);
  await lane.append(during);
  await delay(options.outageMs);
  await server.restart();

  const after = lane.newTargets(options.wakesPerPhase, `r${run}-after`);
  await lane.append(after);
  const verdicts = await lane.verdicts([...before, ...during, ...after], VERDICT_TIMEOUT_MS);
  return {
    run,
    workerSurvived: lane.worker === worker && worker.alive,
    phases: { before, during, after },
    verdicts,
    seconds: (Date.now() - started) / 1000,
  };
}
