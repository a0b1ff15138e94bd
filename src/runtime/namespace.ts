import type { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { isNotFound } from './temporalErrors';

export const DEFAULT_RETENTION_DAYS = 30;

/**
 * `30d`, `72h` or a bare number of days, as a retention period in seconds (at least one day, as the
 * server requires). Anything else is an error naming the value.
 */
export function parseRetention(text: string): number {
  const match = /^(\d+)\s*(d|h)?$/i.exec(text.trim());
  const seconds = match ? Number(match[1]) * (match[2]?.toLowerCase() === 'h' ? 3_600 : 86_400) : NaN;
  if (!Number.isFinite(seconds) || seconds < 86_400) {
    throw new RangeError(`--retention ${JSON.stringify(text)}: give days or hours, at least one day (e.g. 30d, 72h)`);
  }
  return seconds;
}

export type NamespaceOutcome = { created: false } | { created: true; retentionSeconds: number };

/**
 * Registers the namespace when it does not exist (a fresh self-hosted cluster has none but its
 * system namespace), then waits until the frontend serves it; an existing one is left as it is.
 */
export async function ensureNamespace(connection: Connection, namespace: string, retentionSeconds: number): Promise<NamespaceOutcome> {
  if (await namespaceExists(connection, namespace)) return { created: false };
  try {
    await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs(retentionSeconds * 1000) });
  } catch (err) {
    // Another `setup` may have registered it meanwhile.
    if (!(await namespaceExists(connection, namespace))) throw err;
    return { created: false };
  }
  const deadline = Date.now() + 30_000;
  while (!(await namespaceExists(connection, namespace))) {
    if (Date.now() > deadline) throw new Error(`namespace ${namespace} was registered but is still not served after 30 s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return { created: true, retentionSeconds };
}

export async function namespaceExists(connection: Connection, namespace: string): Promise<boolean> {
  try {
    await connection.workflowService.describeNamespace({ namespace });
    return true;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
}
