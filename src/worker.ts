// The production worker's entry (`node lib/worker.js`): an existing cluster, never a dev server.
import { clusterTarget } from './client/temporalTarget';
import { ConfigError, describeConfig, loadConfig } from './config/config';
import { ClusterChangedError } from './runtime/clusterIdentity';
import { logger } from './runtime/logger';
import { NamespaceNotReady } from './runtime/searchAttributes';
import { installRuntime } from './runtime/sdkRuntime';
import { serveProbeWake } from './worker/serve';

/** Production entry: an existing cluster only, never a dev server; runs until SIGTERM. */
async function runProductionWorker(): Promise<void> {
  const config = loadConfig();
  const target = clusterTarget(config);
  installRuntime(config.worker);
  await serveProbeWake(target, {
    onReady: (tail, cluster) => logger.info({ config: describeConfig(target.config), tail, cluster }, 'worker started'),
  });
  logger.info('worker stopped');
}

if (require.main === module) {
  runProductionWorker().catch((err) => {
    if (err instanceof ConfigError || err instanceof NamespaceNotReady) {
      process.stderr.write(`probe-wake: ${err.message}\n`);
      process.exit(2);
    }
    if (err instanceof ClusterChangedError) {
      process.stderr.write(`probe-wake: ${err.message}\n`);
      process.exit(1);
    }
    logger.fatal({ err }, 'worker failed');
    process.exit(1);
  });
}
