import { ApplicationFailure, WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import {
  ActivityFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  log,
  ParentClosePolicy,
  proxyActivities,
  setHandler,
  sleep,
  startChild,
  workflowInfo,
  WorkflowIdReusePolicy,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { Wake } from '../domain/auditRow';
import * as debounce from '../domain/debounce';
import { headerLine } from '../domain/dmText';
import type { ReadBatch } from '../domain/tailTypes';
import {
  getStateQuery,
  IssueCategoryKey,
  ProbeNameKey,
  ProbeSeverityKey,
  resetDebounceSignal,
  updateSettingsSignal,
} from './definitions';
import { probeInvestigationWorkflow } from './investigation';
import { initialState, settingsProblem, type TailInput, type TailSettings, type TailState, type TailStateView } from './tailState';

/** Reads per tick before yielding to the timer: a big backlog drains over several ticks. */
const MAX_READS_PER_TICK = 20;

const { readAuditLog } = proxyActivities<Activities>({
  startToCloseTimeout: '30s',
  // A failed read is counted and retried on the next tick; no long retry chain here.
  retry: { maximumAttempts: 2, initialInterval: '1s' },
});

interface Dispatch {
  wake: Wake;
  windowKey: string;
}

/**
 * Tails the audit log forever: tail → parse → debounce → investigate.
 * Cursor, windows and counters live in workflow state and cross continue-as-new.
 */
export async function probeTailWorkflow(input: TailInput): Promise<void> {
  let settings = input.settings;
  const state: TailState = input.state ?? initialState();

  setHandler(getStateQuery, () => view(state, settings));
  setHandler(resetDebounceSignal, (scope) => resetDebounce(state, scope));
  setHandler(updateSettingsSignal, (next) => {
    const problem = settingsProblem(next);
    if (problem) {
      log.warn('updateSettings ignored', { problem });
      return;
    }
    log.info('tail settings updated', { settings: next });
    settings = next;
  });

  for (;;) {
    await tick(state, settings);
    if (historyIsLong(settings)) {
      await condition(allHandlersFinished);
      state.counters.continuedAsNew += 1;
      await continueAsNew<typeof probeTailWorkflow>({ settings, state });
    }
    await sleep(settings.pollSeconds * 1000);
  }
}

async function tick(state: TailState, settings: TailSettings): Promise<void> {
  for (let read = 0; read < MAX_READS_PER_TICK; read++) {
    const batch = await readNewRows(state, settings);
    if (!batch) return;
    const dispatches = debounceWakes(state, settings, batch.wakes);
    await startInvestigations(state, settings, dispatches);
    if (batch.caughtUp || historyIsLong(settings)) return;
  }
}

/** tail + parse: one activity call; a failing read is counted and the cycle skipped. */
async function readNewRows(state: TailState, settings: TailSettings): Promise<ReadBatch | undefined> {
  let batch: ReadBatch;
  try {
    batch = await readAuditLog({ path: settings.auditLogPath, cursor: state.cursor, replayFromStart: settings.replayFromStart });
  } catch (err) {
    if (!(err instanceof ActivityFailure)) throw err;
    state.counters.readErrors += 1;
    state.lastReadError = describeFailure(err);
    log.warn('audit log read failed; skipping this cycle', { error: state.lastReadError });
    return undefined;
  }
  state.cursor = batch.cursor;
  state.lastReadError = undefined;
  state.counters.rowsRead += batch.rowsRead;
  state.counters.badRows += batch.badRows.length;
  state.counters.wakes += batch.wakes.length;
  if (batch.drainedRotated) state.counters.rowsFromRotatedFile = (state.counters.rowsFromRotatedFile ?? 0) + batch.rowsRead;
  if (batch.restartedBecause) {
    state.counters.restarts += 1;
    // Absent in state carried over from a run before these counters existed.
    const byReason = (state.counters.restartsByReason ??= {});
    byReason[batch.restartedBecause] = (byReason[batch.restartedBecause] ?? 0) + 1;
  }
  return batch;
}

/** debounce: decisions in file order, on the workflow's deterministic clock. */
function debounceWakes(state: TailState, settings: TailSettings, wakes: Wake[]): Dispatch[] {
  // Date.now() in workflow code is Temporal's replay-safe workflow time.
  const nowMs = Date.now();
  state.windows = debounce.pruneExpired(state.windows, nowMs);
  const dispatches: Dispatch[] = [];
  for (const wake of wakes) {
    const decision = debounce.decide(state.windows, wake, nowMs, settings.debounce);
    if (decision.action === 'debounce') {
      state.windows = debounce.countDebounced(state.windows, decision.window);
      state.counters.debounced += 1;
      continue;
    }
    state.windows = debounce.stampWindow(state.windows, wake, decision.windowKey, nowMs, settings.debounce);
    dispatches.push({ wake, windowKey: decision.windowKey });
  }
  return dispatches;
}

/**
 * investigate: one child per window, started together. Children are abandoned
 * so they outlive continue-as-new; a deterministic ID plus REJECT_DUPLICATE
 * means a replayed or repeated start never makes a second one.
 */
async function startInvestigations(state: TailState, settings: TailSettings, dispatches: Dispatch[]): Promise<void> {
  const starts = dispatches.map(async ({ wake, windowKey }) => {
    const workflowId = debounce.investigationWorkflowId(wake.probe, wake.category, windowKey);
    try {
      await startChild(probeInvestigationWorkflow, {
        workflowId,
        args: [{ wake, windowKey }],
        parentClosePolicy: ParentClosePolicy.ABANDON,
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
        staticSummary: `${headerLine(wake)} — ${wake.summary ?? `${wake.category} (${wake.severity})`}`,
        typedSearchAttributes: settings.searchAttributes
          ? [
              { key: ProbeNameKey, value: wake.probe },
              { key: IssueCategoryKey, value: wake.category },
              { key: ProbeSeverityKey, value: wake.severity },
            ]
          : undefined,
      });
      state.counters.investigationsStarted += 1;
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      state.counters.debounced += 1;
      log.info('investigation already exists for this window; counted as debounced', { workflowId });
    }
  });
  await Promise.all(starts);
}

function resetDebounce(state: TailState, input: unknown): void {
  const parsed = debounce.parseResetScope(input);
  if ('error' in parsed) {
    log.warn('resetDebounce ignored', { problem: parsed.error });
    return;
  }
  const { table, cleared } = debounce.resetWindows(state.windows, parsed.scope);
  state.windows = table;
  log.info('debounce reset', { scope: parsed.scope, cleared });
}

function historyIsLong(settings: TailSettings): boolean {
  const info = workflowInfo();
  return info.continueAsNewSuggested || info.historyLength >= settings.historyEventLimit;
}

function view(state: TailState, settings: TailSettings): TailStateView {
  return {
    cursor: state.cursor,
    windows: Object.values(state.windows).map((w) => ({
      probe: w.probe,
      category: w.category,
      windowKey: w.windowKey,
      investigationWorkflowId: debounce.investigationWorkflowId(w.probe, w.category, w.windowKey),
      openedAt: new Date(w.openedAtMs).toISOString(),
      expiresAt: new Date(w.expiresAtMs).toISOString(),
      debounced: w.debounced,
    })),
    counters: state.counters,
    settings,
    lastReadError: state.lastReadError,
  };
}

function describeFailure(err: ActivityFailure): string {
  const cause = err.cause;
  if (cause instanceof ApplicationFailure) return cause.message;
  return cause?.message ?? err.message;
}
