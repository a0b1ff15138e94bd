import { Client, Connection, type ConnectionOptions } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import type { AppConfig } from '../config/config';
import { ensureTailWorkflow } from './tailWorkflow';

export type TailRef = Awaited<ReturnType<typeof ensureTailWorkflow>>;

/**
 * Runs the worker and, once it polls, makes sure the tail workflow runs with
 * this process's settings. Resolves when the worker has drained (SIGINT/SIGTERM
 * are handled by the SDK); if the tail cannot be ensured the worker is shut down
 * and the error rethrown.
 */
export async function runWorkerWithTail(
  worker: Worker,
  connectionOptions: ConnectionOptions,
  config: AppConfig,
  onReady: (tail: TailRef) => void,
): Promise<void> {
  const running = worker.run();
  try {
    const connection = await Connection.connect(connectionOptions);
    try {
      onReady(await ensureTailWorkflow(new Client({ connection, namespace: config.temporal.namespace }), config));
    } finally {
      await connection.close();
    }
  } catch (err) {
    worker.shutdown();
    throw err;
  } finally {
    await running;
  }
}
