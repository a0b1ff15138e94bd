import { condition, log, setHandler, workflowInfo } from '@temporalio/workflow';
import {
  getIncidentQuery,
  threadReplyKey,
  windowClosedSignal,
  windowRepeatsSignal,
  type DiagnosisOutcome,
  type IncidentSnapshot,
  type InvestigationInput,
  type SlackMessage,
  type WindowClosed,
  type WindowRepeats,
} from '../api';
import type { Finding } from '../domain/dmText';
import * as rules from '../domain/incident';
import { detailsMessage, incidentMessage, recoveredMessage, type InvestigationDetails } from '../domain/incidentMessage';
import type { PendingFix } from '../domain/fixApproval';
import type { Acknowledged } from '../domain/operatorActions';
import { actionsBlock } from '../domain/slackActions';
import { latestReport, messageDelivered, sendMessage, type Delivery } from './delivery';
import { publishIncident } from './incidentVisibility';

/**
 * The incident one investigation is: its root message in the operator's DM (keyed by the workflow ID,
 * so the outbox can only ever post one and only ever edit that one), the thread replies, and the
 * window's life (repeats, recovery, expiry). Its state lives here, in workflow state, so a replay
 * after a crash resumes it exactly; every change goes through the pure rules of domain/incident.ts.
 */
export class Incident {
  state: rules.IncidentState;
  private finding?: Finding;
  /** The diagnosis's outcome once delivered, for the getIncident query. */
  private outcome?: DiagnosisOutcome;
  private diagnosisRevision?: number;
  private recoveryAnnounced = false;
  /** Who acknowledged the incident and when (the ack button; operatorActions.ts). */
  acknowledged?: Acknowledged;
  /** Approve / Decline fix buttons on the root while true: set by the fix approval (fixApproval.ts). */
  fixOffered = false;
  /** The offered fix and its decision, once a fix waits for a human (fixApproval.ts offerFix). */
  fixApproval?: PendingFix;
  /** The root's newest revision asked of the outbox carries the operator's buttons. */
  private buttonsOnRoot = false;
  /** Requests to the outbox go one after another, in revision order. */
  private sends: Promise<void> = Promise.resolve();
  readonly rootKey = workflowInfo().workflowId;

  /** The investigation's page in the Temporal Web UI, once known (linkTo). */
  private uiLink?: string;

  constructor(
    private readonly input: InvestigationInput,
    readonly openedAtMs: number,
  ) {
    this.state = rules.openIncident(openedAtMs);
  }

  /**
   * The tail's window signals and the getIncident query. Installed before anything is awaited; a signal
   * that is not what the tail sends (a hand-typed one) is logged and changes nothing.
   */
  listen(): void {
    setHandler(windowRepeatsSignal, (repeats) => {
      if (!isWindowRepeats(repeats)) return log.warn('ignored a malformed windowRepeats signal', { repeats });
      this.state = rules.repeated(this.state, repeats);
      this.publish(false);
    });
    setHandler(windowClosedSignal, (closed) => {
      if (!isWindowClosed(closed)) return log.warn('ignored a malformed windowClosed signal', { closed });
      this.state = rules.windowClosed(this.state, { because: closed.reason, atMs: closed.atMs, by: closed.by }, this.openedAtMs);
      this.publish(true);
    });
    setHandler(getIncidentQuery, () => this.snapshot());
    this.publish(true);
  }

  linkTo(uiLink: string | undefined): void {
    this.uiLink = uiLink;
  }

  /** Revision 0 of the root: the alert, before the model is asked. */
  postAlert(): Promise<void> {
    return this.send({ key: this.rootKey, revision: 0, message: this.rootMessage(), report: true });
  }

  /** Where Slack holds the root once the outbox reports revision 0 (kept in state for the query). */
  async watchRootPosted(): Promise<void> {
    const delivery = await messageDelivered(this.rootKey, 0);
    if (delivery.dmSent && delivery.slackTs) this.state = rules.rootPosted(this.state, { channel: delivery.channel ?? '', ts: delivery.slackTs });
  }

  /** The diagnosis (or fallback) edits the root in place. */
  async diagnose(finding: Finding): Promise<void> {
    this.finding = finding;
    this.diagnosisRevision = this.editRoot((state) => rules.diagnosed(state, finding.investigated, Date.now()));
    this.publish(true);
    await this.sends;
  }

  /** What Slack did with the diagnosis: the outcome's DM facts. */
  diagnosisDelivered(): Promise<Delivery> {
    if (this.diagnosisRevision === undefined) throw new Error('diagnosisDelivered before diagnose');
    return messageDelivered(this.rootKey, this.diagnosisRevision);
  }

  /** The diagnosis's outcome, delivered, spend settled and recorded: the getIncident query carries it from now on. */
  delivered(outcome: DiagnosisOutcome): void {
    this.outcome = outcome;
  }

  /**
   * One thread reply with the investigation's detail, once the root holds the diagnosis: a root Slack
   * never took has no thread (`redeliver` re-posts the root alone).
   */
  async replyDetails(delivery: Delivery, details: InvestigationDetails): Promise<void> {
    if (!delivery.dmSent) return;
    await this.reply('details', detailsMessage(details));
  }

  /**
   * Until the incident closes and everything owed is sent: repeat edits (at most one a minute) and,
   * on recovery, the thread reply and the root marked recovered. Runs beside the investigation.
   */
  async keepCurrent(): Promise<void> {
    for (;;) {
      if (this.state.recovered && !this.recoveryAnnounced) {
        await this.announceRecovery(this.state.recovered.afterMs);
        continue;
      }
      const dueAtMs = rules.repeatEditDueAtMs(this.state);
      if (this.state.closed && (dueAtMs === undefined || this.buttonsOnRoot)) {
        // Buttons only while the incident is open: the close takes them off the root (showing the last count too).
        if (this.buttonsOnRoot) this.refreshRoot();
        break;
      }
      if (dueAtMs !== undefined && dueAtMs <= Date.now()) {
        this.editRoot((state) => rules.rootEdited(state, Date.now()));
        this.publish(true);
        continue;
      }
      const state = this.state;
      // Wakes on any change (a signal replaces the state object) or when the next repeat edit falls due.
      if (dueAtMs === undefined) await condition(() => this.state !== state);
      else await condition(() => this.state !== state, dueAtMs - Date.now());
    }
    await this.sends;
  }

  /** An operator acknowledged: the root shows who and when, at once. */
  acknowledge(by: string, atMs: number): void {
    this.acknowledged = { by, atMs };
    this.refreshRoot();
  }

  /** Edits the root now, because what it shows changed (an operator action, the close). */
  refreshRoot(): void {
    this.editRoot((state) => rules.rootEdited(state, Date.now()));
    this.publish(true);
  }

  /** One reply in the root's thread (key `{workflow ID}#{name}`); resolves once the outbox has it queued. */
  replyInThread(name: string, text: string): Promise<void> {
    return this.reply(name, { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text, verbatim: true } }] });
  }

  /**
   * Waits for the window to close: the tail's windowClosed, or its expiry. Without a window, closes now.
   * While `holdOpen()` (a fix waits for approval, fixApproval.ts) neither the expiry nor the end without a
   * window closes it: only the tail's windowClosed (recovered, reset) does, until the wait ends.
   */
  async waitForClose(holdOpen: () => boolean = () => false): Promise<void> {
    const window = this.input.window;
    if (!window) {
      await condition(() => !holdOpen());
      this.state = rules.deliveredWithoutWindow(this.state, Date.now());
    } else {
      // In steps, not one long timer: a waiting workflow's next timer is where a time-skipping test server may jump to.
      while (!this.state.closed && Date.now() < window.closesAtMs) {
        await condition(() => this.state.closed !== undefined, Math.min(window.closesAtMs - Date.now(), 3_600_000));
      }
      await condition(() => this.state.closed !== undefined || !holdOpen());
      if (!this.state.closed) this.state = rules.windowClosed(this.state, { because: 'expired', atMs: Date.now() }, this.openedAtMs);
    }
    this.publish(true);
  }

  snapshot(): IncidentSnapshot {
    const { state } = this;
    return {
      phase: state.phase,
      wakes: state.repeats.wakes,
      lastSeenAtMs: state.repeats.lastSeenAtMs,
      ...(this.input.window ? { window: this.input.window } : {}),
      ...(state.root ? { root: state.root } : {}),
      rootRevision: state.rootRevision,
      diagnosed: this.finding !== undefined,
      ...(this.outcome ? { outcome: this.outcome } : {}),
      ...(state.recovered ? { recoveredAfterMs: state.recovered.afterMs } : {}),
      ...(state.closed ? { closedBecause: state.closed.because } : {}),
      ...(this.acknowledged ? { acknowledged: this.acknowledged } : {}),
    };
  }

  private async announceRecovery(afterMs: number): Promise<void> {
    this.recoveryAnnounced = true;
    await this.reply('recovered', recoveredMessage(this.input.wake, afterMs));
    this.editRoot((state) => rules.rootEdited(state, Date.now()));
    this.publish(true);
  }

  /** Applies the edit rule and queues the root's new revision; returns that revision. */
  private editRoot(rule: (state: rules.IncidentState) => rules.IncidentState): number {
    this.state = rule(this.state);
    const revision = this.state.rootRevision;
    void this.send({ key: this.rootKey, revision, message: this.rootMessage(), ...(this.state.root ? { posted: this.state.root } : {}), report: true });
    return revision;
  }

  /**
   * Where the root is, once known, for its thread replies: an outbox that closed while idle (10 min) has
   * no record of it, and without the location would give the reply up (thread_parent_unknown).
   */
  private parentAt(): { parent?: { channel: string; ts: string } } {
    return this.state.root ? { parent: this.state.root } : {};
  }

  private rootMessage(): SlackMessage {
    const { state } = this;
    // Open: not closed, and not about to close (without a window the incident ends once its diagnosis is delivered, or a waiting fix is decided).
    this.buttonsOnRoot = !state.closed && (this.input.window !== undefined || this.finding === undefined || this.fixOffered);
    return incidentMessage({
      wake: this.input.wake,
      finding: this.finding,
      openedAtMs: this.openedAtMs,
      repeats: state.repeats,
      flapping: this.input.window?.flapping,
      recoveredAfterMs: state.recovered?.afterMs,
      uiLink: this.uiLink,
      acknowledged: this.acknowledged,
      actions: this.buttonsOnRoot ? actionsBlock({ workflowId: this.rootKey, fixPending: this.fixOffered }).elements.map((button) => ({ ...button })) : undefined,
    });
  }

  /**
   * Reply `{workflow ID}#{name}` in the root's thread; none while the root was never posted and the
   * outbox's newest word on it is that Slack did not take it (not configured, or given up): it has no
   * thread, and the reply could only be given up as thread_parent_unknown and listed for `redeliver`,
   * which re-posts the root alone. (A refused edit of a posted root does not count: its thread exists.)
   */
  private reply(name: string, message: SlackMessage): Promise<void> {
    if (!this.state.root && latestReport(this.rootKey)?.delivered === false) return this.sends;
    return this.send({ key: threadReplyKey(this.rootKey, name), revision: 0, message, threadOf: this.rootKey, ...this.parentAt(), report: false });
  }

  private send(request: Parameters<typeof sendMessage>[0]): Promise<void> {
    this.sends = this.sends.then(() => sendMessage(request));
    return this.sends;
  }

  /** Search attribute, memo (`memo: true`: on phase changes and root edits only) and the Web UI's current details. */
  private publish(memo: boolean): void {
    publishIncident(this.snapshot(), memo);
  }
}

const isTime = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

function isWindowRepeats(value: unknown): value is WindowRepeats {
  const v = value as Partial<WindowRepeats> | null;
  return typeof v === 'object' && v !== null && Number.isInteger(v.wakes) && (v.wakes as number) >= 1 && isTime(v.lastSeenAtMs);
}

function isWindowClosed(value: unknown): value is WindowClosed {
  const v = value as Partial<WindowClosed> | null;
  return typeof v === 'object' && v !== null && (v.reason === 'recovered' || v.reason === 'reset') && isTime(v.atMs) && (v.by === undefined || v.by === 'results' || v.by === 'event');
}
