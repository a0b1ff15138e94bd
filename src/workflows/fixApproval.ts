import type { OperatorAction, OperatorActionResult } from '../api';
import type { Incident } from './incident';

/**
 * The fix approval wait's answer to the Approve / Decline buttons (and `probe-wake approve|decline`).
 * The incident shows those buttons while `incident.fixOffered` is true (set here, with
 * `incident.refreshRoot()`, once a fix waits for a human). Until a fix can wait for approval, there
 * is nothing to approve.
 */
export interface FixActionAnswer extends OperatorActionResult {
  /** When `changed`: the one thread line the action posts (inert mrkdwn). */
  threadLine?: string;
  /** When `changed`: extra fields of its `probe.operator_action` row (snake_case). */
  rowFacts?: Record<string, unknown>;
}

export type FixAction = OperatorAction & { action: 'fix_approve' | 'fix_decline' };

export const NO_FIX_PENDING = 'No fix is waiting for approval on this incident.';

export async function answerFixAction(_action: FixAction, _incident: Incident): Promise<FixActionAnswer> {
  return { changed: false, message: NO_FIX_PENDING };
}
