import { clockUtc } from '../domain/durations';
import { getExternalWorkflowHandle, log, proxyActivities, proxyLocalActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { operatorActionUpdate, resetDebounceSignal, type InvestigationInput, type OperatorAction, type OperatorActionResult } from '../api';
import * as actions from '../domain/operatorActions';
import { describeActivityFailure } from './failureReasons';
import { FILE_STEP_OPTIONS } from './fileSteps';
import { answerFixAction, type FixAction } from './fixApproval';
import type { Incident } from './incident';

// The tail answers an Update in milliseconds; the clicker waits at most 30 s (src/slack/temporalDispatcher.ts).
const { addSilence } = proxyActivities<Pick<Activities, 'addSilence'>>({
  startToCloseTimeout: '10s',
  retry: { initialInterval: '1s', maximumAttempts: 3 },
});
const { appendOperatorActionRow } = proxyLocalActivities<Pick<Activities, 'appendOperatorActionRow'>>(FILE_STEP_OPTIONS);

/** What one action did: the clicker's answer, and when it changed something, its thread line and row facts. */
interface Done extends OperatorActionResult {
  threadLine?: string;
  rowFacts?: Record<string, unknown>;
}

/**
 * The operatorAction Update on an investigation: ack, snooze, reset, fix approve / decline. Input is
 * checked by the validator (refused to the sender, nothing recorded). Each request is answered once:
 * a repeat of a requestId (Slack's redelivery, a retried CLI call) gets the first answer and changes
 * nothing. Every action that changes something posts one line in the root's thread and appends one
 * `probe.operator_action` row. Installed before anything is awaited.
 */
export function installOperatorActions(incident: Incident, input: InvestigationInput): void {
  const answered = new Map<string, Promise<OperatorActionResult>>();
  let changes = 0;
  let resetAsked = false;
  const { wake } = input;

  const act = async (action: OperatorAction): Promise<Done> => {
    if (incident.state.closed) return { changed: false, message: `This incident is closed (${incident.state.closed.because}); nothing changed.` };
    switch (action.action) {
      case 'ack': {
        const ack = incident.acknowledged;
        if (ack) return { changed: false, message: `Already acknowledged by ${actions.mention(ack.by)} at ${clockUtc(ack.atMs)}.` };
        incident.acknowledge(action.actor, Date.now());
        return { changed: true, message: 'Acknowledged: the alert now shows it.', threadLine: actions.threadLines.ack(action.actor) };
      }
      case 'snooze':
        return snooze(action);
      case 'reset': {
        const tailId = workflowInfo().parent?.workflowId;
        if (!input.window || !tailId) return { changed: false, message: 'This incident has no debounce window to reset (started by hand, or debounce is off).' };
        if (resetAsked) return { changed: false, message: 'The window is already being reset.' };
        resetAsked = true;
        try {
          await getExternalWorkflowHandle(tailId).signal(resetDebounceSignal, { probe: wake.probe, category: wake.category });
        } catch (err) {
          resetAsked = false;
          log.warn('could not signal resetDebounce to the tail', { tailId, error: String(err) });
          return { changed: false, message: `Could not reset the window: the tail ${tailId} did not take the signal.` };
        }
        return { changed: true, message: 'Window reset: this incident ends, and the next wake opens a new one.', threadLine: actions.threadLines.reset(action.actor, wake) };
      }
      case 'fix_approve':
      case 'fix_decline':
        return answerFixAction(action as FixAction, incident);
    }
  };

  const snooze = async (action: OperatorAction): Promise<Done> => {
    const seconds = action.snoozeSeconds!;
    try {
      const silence = await addSilence({
        ...(workflowInfo().parent ? { tailWorkflowId: workflowInfo().parent!.workflowId } : {}),
        request: { probe: wake.probe, category: wake.category, forSeconds: seconds, reason: actions.snoozeReason(action.source, action.actor), createdBy: action.actor, requestId: action.requestId },
      });
      return {
        changed: true,
        message: `Snoozed: ${actions.pairName(wake)} is silenced until ${clockUtc(silence.untilMs)} (silence ${silence.id}).`,
        threadLine: actions.threadLines.snooze(action.actor, wake, seconds, silence.untilMs, silence.id),
        rowFacts: { snooze_seconds: seconds, silence_id: silence.id, silenced_until: new Date(silence.untilMs).toISOString() },
      };
    } catch (err) {
      const reason = describeActivityFailure(err);
      log.warn('snooze: the tail did not add the silence', { error: reason });
      return { changed: false, message: `Could not snooze: ${reason}` };
    }
  };

  /** The change's thread line and audit row; the answer waits for both to be queued / written. */
  const record = async (action: OperatorAction, done: Done): Promise<void> => {
    changes += 1;
    if (done.threadLine) await incident.replyInThread(`action-${changes}`, done.threadLine);
    try {
      await appendOperatorActionRow(actions.operatorActionRow(wake, workflowInfo().workflowId, Date.now(), action, done.rowFacts));
    } catch (err) {
      log.warn('could not append the operator action row to the audit log', { error: describeActivityFailure(err) });
    }
  };

  const answer = async (action: OperatorAction): Promise<OperatorActionResult> => {
    const done = await act(action);
    if (done.changed) await record(action, done);
    log.info('operator action answered', { action: action.action, actor: action.actor, requestId: action.requestId, changed: done.changed });
    return { changed: done.changed, message: done.message };
  };

  setHandler(
    operatorActionUpdate,
    (action) => {
      const first = answered.get(action.requestId);
      if (first) return first;
      const result = answer(action);
      actions.rememberAnswer(answered, action.requestId, result);
      return result;
    },
    {
      validator: (action) => {
        const problem = actions.operatorActionProblem(action);
        if (problem) throw new Error(`operatorAction refused: ${problem}`);
      },
    },
  );
}
