import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { AppConfig } from '../config/config';
import { isNotFound } from '../runtime/temporalErrors';
import { CliError, errorText } from './context';

/** The tail workflow's handle, or a clear error when no tail runs under that ID. */
export async function tailHandle(client: Client, config: AppConfig) {
  const handle = client.workflow.getHandle(config.temporal.tailWorkflowId);
  try {
    await handle.describe();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) {
      throw new CliError(
        `no tail workflow "${config.temporal.tailWorkflowId}" in namespace "${client.options.namespace}"\n` +
          '  fix: start probe-wake (`npm start`, or `node lib/worker.js` against a cluster); set PROBE_TAIL_WORKFLOW_ID if yours has another ID',
      );
    }
    // Anything else is still one line, never a stack trace: most often a namespace that does not exist.
    const fix = isNotFound(err) ? `namespace "${client.options.namespace}" does not exist: run \`npx probe-wake setup\`, or set TEMPORAL_NAMESPACE` : 'retry; `probe-wake doctor` checks the set-up';
    throw new CliError(`cannot describe tail workflow "${config.temporal.tailWorkflowId}" in namespace "${client.options.namespace}": ${errorText(err)}\n  fix: ${fix}`);
  }
  return handle;
}
