import type { Logger } from 'pino';
import type { OperatorAction } from '../api';
import { readClick, type ClickFacts } from '../domain/slackActions';
import type { OperatorActionDispatcher } from './dispatcher';

export interface ClickDeps {
  /** Slack user IDs allowed to act (PROBE_WAKE_SLACK_ACTORS). */
  actors: ReadonlySet<string>;
  dispatcher: OperatorActionDispatcher;
  log: Logger;
}

export const NOT_ALLOWED = "You are not allowed to act on probe-wake incidents: ask for your Slack user ID to be added to PROBE_WAKE_SLACK_ACTORS.";
const INVESTIGATION_PREFIX = 'probe-investigation:';

/**
 * One click, after Slack's signature (HTTP) or the app token (Socket Mode) vouched for it and Slack
 * was acknowledged: checks who clicked, reads the button, and sends the action to its workflow.
 * Answers the line the clicker sees (ephemeral). Unauthorised or malformed clicks never reach a workflow.
 */
export async function handleClick(facts: ClickFacts, deps: ClickDeps): Promise<string> {
  const who = { user: facts.userId, actionId: facts.actionId.slice(0, 80) };
  if (!facts.userId || !deps.actors.has(facts.userId)) {
    deps.log.warn(who, 'slack action refused: user not in PROBE_WAKE_SLACK_ACTORS');
    return NOT_ALLOWED;
  }
  const reading = readClick(facts);
  if (!reading.ok) {
    deps.log.warn({ ...who, problem: reading.problem }, 'slack action refused: malformed click');
    return `Refused: ${reading.problem}.`;
  }
  const { click } = reading;
  if (!click.workflowId.startsWith(INVESTIGATION_PREFIX)) {
    deps.log.warn({ ...who, workflowId: click.workflowId }, 'slack action refused: not an investigation');
    return 'Refused: the button does not name a probe-wake investigation.';
  }
  const action: OperatorAction = {
    action: click.action,
    actor: click.actor,
    requestId: click.requestId,
    ...(click.snoozeSeconds !== undefined ? { snoozeSeconds: click.snoozeSeconds } : {}),
    source: 'slack',
  };
  const started = Date.now();
  const result = await deps.dispatcher.dispatch(click.workflowId, action);
  deps.log.info(
    { ...who, workflowId: click.workflowId, action: click.action, requestId: click.requestId, changed: result.changed, ms: Date.now() - started },
    'slack action answered',
  );
  return result.message;
}
