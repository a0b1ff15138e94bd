import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { ensureTailWorkflow } from '../client/startTail';
import type { TemporalTarget } from '../client/temporalTarget';
import { probeWakeDataConverter } from '../codec/dataConverter';
import { ClusterChangedError, clusterIdentity, identityChange, watchClusterIdentity, type ClusterIdentity } from '../runtime/clusterIdentity';
import { logger } from '../runtime/logger';
import { requireSearchAttributes } from '../runtime/searchAttributes';
import { startSlackReceiver, type SlackReceiver } from '../slack/receiver';
import { TemporalDispatcher } from '../slack/temporalDispatcher';
import { createProbeWakeWorker } from './createWorker';

export type TailRef = Awaited<ReturnType<typeof ensureTailWorkflow>>;

export interface ServeHooks {
  /** The worker exists: from here on the SDK's own SIGINT/SIGTERM handling drains it. */
  onWorkerCreated?: () => void;
  /** The worker polls and the tail workflow runs with this process's settings. */
  onReady: (tail: TailRef, cluster: ClusterIdentity | undefined) => void;
}

/**
 * Both entries' shared run: connect, refuse a namespace without our search attributes, run the
 * worker, make sure the tail runs (started if absent, else handed these settings), and resolve once
 * the worker has drained. If the tail cannot be ensured the worker is shut down and the error
 * rethrown. The cluster's identity is recorded at start and watched: should another cluster answer
 * on the address (a server replaced during a restart), the worker shuts down and this rejects with
 * a ClusterChangedError instead of working on the wrong cluster.
 */
export async function serveProbeWake(target: TemporalTarget, hooks: ServeHooks): Promise<void> {
  const { namespace } = target.config.temporal;
  const { address } = target;
  const clientConnection = await Connection.connect(target.connectionOptions);
  try {
    const identity = await clusterIdentity(clientConnection);
    await requireSearchAttributes(clientConnection, namespace, address);
    const connection = await NativeConnection.connect(target.connectionOptions);
    try {
      const worker = await createProbeWakeWorker({ connection, config: target.config });
      hooks.onWorkerCreated?.();
      let changed: ClusterChangedError | undefined;
      const stopWatching = identity
        ? watchClusterIdentity(clientConnection, address, identity, (err) => {
            changed = err;
            logger.error({ expected: identity, address }, err.message);
            // Already stopping (a signal came first) is fine: the error is reported all the same.
            if (worker.getState() === 'RUNNING') worker.shutdown();
          })
        : () => undefined;
      const running = worker.run();
      let slack: SlackReceiver | undefined;
      try {
        const client = new Client({ connection: clientConnection, namespace, dataConverter: probeWakeDataConverter(target.config.codecKeys) });
        const tail = await ensureTailWorkflow(client, target.config);
        // Operator clicks from Slack, when configured: each becomes an Update on its investigation.
        slack = await startSlackReceiver(target.config.slackActions, { dispatcher: new TemporalDispatcher(client), log: logger, slackApiUrl: target.config.slack.apiUrl });
        hooks.onReady(tail, identity);
      } catch (err) {
        worker.shutdown();
        throw err;
      } finally {
        try {
          await running;
        } catch (err) {
          // The worker may fail (its namespace unknown there) before the watch notices another cluster: say which.
          changed ??= identity && identityChange(address, identity, await clusterIdentity(clientConnection));
          if (!changed) throw err;
        } finally {
          stopWatching();
          await slack?.stop();
        }
      }
      if (changed) throw changed;
    } finally {
      await connection.close();
    }
  } finally {
    await clientConnection.close();
  }
}
