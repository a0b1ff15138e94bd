// Test bundle: the project's workflows plus a scripted requester that speaks to the outbox through src/workflows/delivery.ts.
export { probeTailWorkflow, probeInvestigationWorkflow, probeOutboxWorkflow } from '../../../src/workflows';
export { messageRequesterWorkflow } from './messageRequester';
