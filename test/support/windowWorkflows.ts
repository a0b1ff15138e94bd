/**
 * Test-only workflows for the tail's window tests: the real tail, with a stub
 * investigation and a stub outbox registered under the real types' names.
 * The stubs only record what the tail sends them, so the tests assert on
 * exactly that (signals received, digest requests queued), independent of
 * the investigation's and the outbox's own behaviour.
 */
import { condition, defineQuery, setHandler } from '@temporalio/workflow';
import { enqueueMessageSignal, windowClosedSignal, windowRepeatsSignal, type InvestigationInput, type OutboxRequest, type WindowClosed, type WindowFacts, type WindowRepeats } from '../../src/api';

export { probeTailWorkflow } from '../../src/workflows/tail';

export interface WindowLog {
  input: InvestigationInput & { window?: WindowFacts };
  repeats: WindowRepeats[];
  closed?: WindowClosed;
}

export const windowLogQuery = defineQuery<WindowLog>('windowLog');
export const outboxRequestsQuery = defineQuery<OutboxRequest[]>('outboxRequests');

/** Lives until the tail closes its window (tests terminate what is left). */
export async function probeInvestigationWorkflow(input: InvestigationInput & { window?: WindowFacts }): Promise<void> {
  const log: WindowLog = { input, repeats: [] };
  setHandler(windowLogQuery, () => log);
  setHandler(windowRepeatsSignal, (repeats) => void log.repeats.push(repeats));
  setHandler(windowClosedSignal, (closed) => {
    log.closed = closed;
  });
  await condition(() => log.closed !== undefined);
}

export async function probeOutboxWorkflow(): Promise<void> {
  const requests: OutboxRequest[] = [];
  setHandler(outboxRequestsQuery, () => requests);
  setHandler(enqueueMessageSignal, (request) => void requests.push(request));
  await condition(() => false);
}
