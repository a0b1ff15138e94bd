import { ApplicationFailure, log, setHandler } from '@temporalio/workflow';
import { addSilenceUpdate, removeSilenceUpdate, silenceSignal, type Silence } from '../api';
import * as silences from '../domain/silences';
import * as metrics from './metrics';

/** Where the tail keeps its silences (a field of its state, carried across continue-as-new). */
export interface SilenceHolder {
  silences: silences.SilenceTable;
}

/**
 * The tail's silence handlers: addSilence and removeSilence (Updates, their
 * validators refuse bad input to the caller), and the `silence` signal for
 * `tctl` (bad input logged and ignored). Decisions use workflow time.
 * `changed` runs after every change (the tail refreshes its current details).
 */
export function installSilenceHandlers(holder: SilenceHolder, changed: () => void): void {
  setHandler(
    addSilenceUpdate,
    (request) => {
      const result = add(holder, request);
      // The validator ran against the same state: only a bug gets here. Fail the update, not the tail.
      if ('error' in result) throw ApplicationFailure.nonRetryable(`addSilence refused: ${result.error}`, 'SilenceRefused');
      changed();
      return result.silence;
    },
    {
      validator: (request) => {
        const problem = silences.addSilenceProblem(holder.silences, request, Date.now());
        if (problem) throw new Error(`addSilence refused: ${problem}`);
      },
    },
  );
  setHandler(
    removeSilenceUpdate,
    ({ id, removedBy }) => {
      const result = silences.removeSilence(holder.silences, id, Date.now());
      if ('error' in result) throw ApplicationFailure.nonRetryable(`removeSilence refused: ${result.error}`, 'SilenceRefused');
      holder.silences = result.table;
      log.info('silence removed', { id, scope: silences.silenceScope(result.silence), removedBy: removedBy ?? 'unnamed' });
      changed();
      return result.silence;
    },
    {
      validator: (input) => {
        const problem = silences.removeSilenceProblem(holder.silences, input, Date.now());
        if (problem) throw new Error(`removeSilence refused: ${problem}`);
      },
    },
  );
  setHandler(silenceSignal, (input) => {
    const problem = silences.silenceRequestProblem(input);
    const result = problem ? { error: problem } : add(holder, input as silences.SilenceRequest);
    if ('error' in result) {
      log.warn('silence signal ignored', { problem: result.error });
      return;
    }
    changed();
  });
}

function add(holder: SilenceHolder, request: silences.SilenceRequest): { silence: Silence } | { error: string } {
  const result = silences.addSilence(holder.silences, request, Date.now());
  if ('error' in result) return result;
  holder.silences = result.table;
  const { id, probe, category, untilMs, createdBy } = result.silence;
  if (result.repeat) log.info('silence request repeated; answering the silence in force', { id, requestId: request.requestId });
  else log.info('silence added', { id, probe, category, until: new Date(untilMs).toISOString(), createdBy });
  return result;
}

/**
 * Takes the silenced wakes out of one read (decided at `nowMs`, workflow time)
 * and prunes ended silences. The rest goes on to the window rules; `silenced`
 * is how many wakes the silences swallowed, `pruned` whether any silence ended.
 */
export function takeSilenced<B extends silences.SilenceableBatch>(
  holder: SilenceHolder,
  batch: B,
  nowMs: number,
): { batch: B; silenced: number; pruned: boolean } {
  const result = silences.partitionSilenced(holder.silences, batch, nowMs);
  for (const pair of result.silenced) {
    log.info('wakes silenced', { ...pair });
    metrics.silenced(pair, pair.wakes);
  }
  const pruned = silences.pruneSilences(holder.silences, nowMs);
  const changed = pruned !== holder.silences;
  holder.silences = pruned;
  return { batch: result.batch, silenced: result.silenced.reduce((sum, pair) => sum + pair.wakes, 0), pruned: changed };
}

/** Active silences for getState, oldest first. */
export function activeSilences(holder: SilenceHolder, nowMs: number): Silence[] {
  return holder.silences.silences.filter((s) => silences.isActive(s, nowMs));
}

/** The tail's current details (Web UI): its active silences and their expiry. */
export function silencesDetails(holder: SilenceHolder, nowMs: number): string {
  return silences.silencesDetails(holder.silences, nowMs);
}
