import type { Wake } from '../domain/auditRow';
import { buildUserPrompt } from '../domain/prompt';
import { readAuditContext } from './auditContext';
import type { PromptTemplate } from './promptTemplate';

export interface PreparedInvestigation {
  /** The first user message: the wake and its audit context, fenced as data. */
  user: string;
  promptVersion: string;
}

export function createPrepareInvestigation(auditLogPath: string, template: PromptTemplate) {
  return async function prepareInvestigation({ wake }: { wake: Wake }): Promise<PreparedInvestigation> {
    return { user: buildUserPrompt(wake, await readAuditContext(auditLogPath, wake.probe)), promptVersion: template.version };
  };
}
