// Test-only: a stand-in for the tail, registered under the tail's workflow type, that starts one
// investigation as its child and answers what an investigation's operator actions ask of the tail:
// the addSilence Update (as the silences role's tail does: a repeat of a requestId answers the first
// silence) and the resetDebounce signal (the tail closes the window: windowClosed `reset` to the child).
import { ParentClosePolicy, setHandler, startChild, type ChildWorkflowHandle } from '@temporalio/workflow';
import {
  addSilenceUpdate,
  recordSpendSignal,
  resetDebounceSignal,
  windowClosedSignal,
  type InvestigationInput,
  type InvestigationOutcome,
  type Silence,
  type SilenceRequest,
} from '../../../src/api';

export interface StandInTailResult {
  /** Every addSilence Update the tail ran (a repeat included). */
  addSilenceCalls: SilenceRequest[];
  silences: Silence[];
  resets: unknown[];
  outcome: InvestigationOutcome;
}

export async function probeTailWorkflow(start: { workflowId: string; input: InvestigationInput }): Promise<StandInTailResult> {
  const addSilenceCalls: SilenceRequest[] = [];
  const silences: Silence[] = [];
  const resets: unknown[] = [];
  const byRequest = new Map<string, Silence>();
  let child: ChildWorkflowHandle<(input: InvestigationInput) => Promise<InvestigationOutcome>> | undefined;
  setHandler(addSilenceUpdate, (request) => {
    addSilenceCalls.push(request);
    const first = request.requestId !== undefined ? byRequest.get(request.requestId) : undefined;
    if (first) return first;
    const now = Date.now();
    const silence: Silence = {
      id: `s-${silences.length + 1}`,
      probe: request.probe,
      category: request.category,
      reason: request.reason,
      createdBy: request.createdBy,
      createdAtMs: now,
      untilMs: now + request.forSeconds * 1000,
    };
    silences.push(silence);
    if (request.requestId !== undefined) byRequest.set(request.requestId, silence);
    return silence;
  });
  setHandler(resetDebounceSignal, (scope) => {
    resets.push(scope);
    void child?.signal(windowClosedSignal, { reason: 'reset', atMs: Date.now() });
  });
  setHandler(recordSpendSignal, () => undefined);
  child = await startChild<(input: InvestigationInput) => Promise<InvestigationOutcome>>('probeInvestigationWorkflow', {
    workflowId: start.workflowId,
    args: [start.input],
    parentClosePolicy: ParentClosePolicy.ABANDON,
    memo: { wake: start.input.wake },
  });
  const outcome = await child.result();
  return { addSilenceCalls, silences, resets, outcome };
}
