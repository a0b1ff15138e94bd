import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { AppConfig } from '../config/config';
import { CliError } from './context';

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
    throw err;
  }
  return handle;
}
