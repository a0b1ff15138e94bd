// The worker loads this module into the workflow sandbox: workflows only, no I/O.
export { probeTailWorkflow } from './tail';
export { probeInvestigationWorkflow } from './investigation';
export { probeOutboxWorkflow } from './outbox';
