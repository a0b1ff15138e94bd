import type { IncidentSettings } from '../config/config';
import type { FixApprovalSettings } from '../domain/fixApproval';

/**
 * What the incident needs from the worker's configuration (a local activity, so no configuration is
 * hard-coded in workflow code): the Temporal Web UI address the root links to, and (approval role)
 * the fix names PROBE_FIX_RUNNERS configures and PROBE_FIX_APPROVAL_TIMEOUT_SECONDS. Names only:
 * runner URLs, commands and secrets stay in the worker.
 */
export function createIncidentSettings(settings: IncidentSettings, fix: FixApprovalSettings = {}) {
  return async function incidentSettings(): Promise<IncidentSettings & FixApprovalSettings> {
    return {
      ...(settings.uiUrl ? { uiUrl: settings.uiUrl } : {}),
      ...(fix.fixRunners && fix.fixRunners.length > 0 ? { fixRunners: [...fix.fixRunners] } : {}),
      ...(fix.fixApprovalTimeoutSeconds !== undefined ? { fixApprovalTimeoutSeconds: fix.fixApprovalTimeoutSeconds } : {}),
    };
  };
}
