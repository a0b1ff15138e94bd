// The worker loads this module into the workflow sandbox: workflows only, no I/O.
export { probeTailWorkflow } from './tail';
export { probeInvestigationWorkflow } from './investigation';
export { probeOutboxWorkflow } from './outbox';
// Each type's Worker Versioning behaviour (investigations pinned, the tail and the outbox auto-upgrading).
import './versioning';
