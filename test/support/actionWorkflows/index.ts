// Test bundle for operator actions: the real investigation and outbox, and a stand-in tail (standInTail.ts).
export { probeInvestigationWorkflow, probeOutboxWorkflow } from '../../../src/workflows';
export { probeTailWorkflow } from './standInTail';
