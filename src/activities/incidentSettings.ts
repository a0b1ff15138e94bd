import type { IncidentSettings } from '../config/config';

/**
 * What the incident's messages need from the worker's configuration (a local activity, so no
 * configuration is hard-coded in workflow code): the Temporal Web UI address the root links to.
 */
export function createIncidentSettings(settings: IncidentSettings) {
  return async function incidentSettings(): Promise<IncidentSettings> {
    return settings.uiUrl ? { uiUrl: settings.uiUrl } : {};
  };
}
