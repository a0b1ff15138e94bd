import { ConfigError, describeConfig, loadConfig, type AppConfig } from './config/config';
import { startDevServer, type DevServer } from './runtime/devServer';
import { logger } from './runtime/logger';
import { resolveTool, TEMPORAL_CLI, ToolSetupError } from './runtime/temporalTools';
import { clusterTarget, devServerTarget, type TemporalTarget } from './client/temporalTarget';
import { installRuntime } from './runtime/sdkRuntime';
import { serveProbeWake, type TailRef } from './worker/serve';

/**
 * `npm start`: the embedded default. Starts a local Temporal dev server
 * (unless TEMPORAL_ADDRESS points at a cluster), the worker, and the tail
 * workflow; on SIGINT/SIGTERM stops the worker, then the server.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  installRuntime(config.worker);
  logger.info({ config: describeConfig(config) }, 'starting probe-wake');

  let devServer: DevServer | undefined;
  let stopping = false;
  const stopEarly = () => {
    stopping = true;
    void devServer?.stop().then(() => process.exit(130));
  };
  process.once('SIGINT', stopEarly);
  process.once('SIGTERM', stopEarly);

  const target = await targetOrDevServer(config, (server) => (devServer = server));
  try {
    if (stopping) return;
    await serveProbeWake(target, {
      onWorkerCreated: () => {
        // From here on the SDK's own signal handling drains the worker; the server stops after it.
        process.off('SIGINT', stopEarly);
        process.off('SIGTERM', stopEarly);
      },
      onReady: (tail) => announce(target, tail, devServer),
    });
  } finally {
    // Whatever happened above, the detached dev server must not outlive us.
    await devServer?.stop();
    logger.info('probe-wake stopped');
  }
}

function announce(target: TemporalTarget, tail: TailRef, devServer: DevServer | undefined): void {
  const { temporal, auditLogPath } = target.config;
  const ui = devServer?.uiUrl ? `${devServer.uiUrl}/namespaces/${temporal.namespace}/workflows` : "your cluster's Web UI";
  logger.info({ tail, ui, auditLogPath, devServerPid: devServer?.process.pid }, 'probe-wake ready');
  process.stderr.write(
    `\nprobe-wake is running.\n  audit log:   ${auditLogPath}\n  tail:        ${tail.workflowId} (task queue ${temporal.taskQueue})\n  Temporal UI: ${ui}\n  stop:        Ctrl-C\n\n`,
  );
}

async function targetOrDevServer(config: AppConfig, onDevServer: (server: DevServer) => void): Promise<TemporalTarget> {
  if (config.temporal.address) return clusterTarget(config);
  const cliPath = resolveTool(TEMPORAL_CLI);
  const dbFile = config.temporal.devDbFile;
  logger.info({ cliPath, port: config.temporal.devPort, uiPort: config.temporal.devUiPort, dbFile }, 'starting Temporal dev server');
  const server = await startDevServer({ cliPath, port: config.temporal.devPort, uiPort: config.temporal.devUiPort, dbFile });
  onDevServer(server);
  return devServerTarget(config, server.address);
}

main().catch((err) => {
  if (err instanceof ConfigError || err instanceof ToolSetupError) {
    process.stderr.write(`probe-wake: ${err.message}\n`);
    process.exit(2);
  }
  logger.fatal({ err }, 'probe-wake failed to start');
  process.exit(1);
});
