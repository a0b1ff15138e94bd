import { Client, Connection } from '@temporalio/client';
import { loadClientConnectConfig } from '@temporalio/envconfig';
import { NativeConnection } from '@temporalio/worker';
import { ConfigError, describeConfig, loadConfig, type AppConfig } from './config/config';
import { startDevServer, type DevServer } from './runtime/devServer';
import { logger } from './runtime/logger';
import { ensureTailWorkflow } from './runtime/tailWorkflow';
import { resolveTool, TEMPORAL_CLI, ToolSetupError } from './runtime/temporalTools';
import { createProbeWakeWorker, installRuntime } from './worker';

/**
 * `npm start`: the embedded default. Starts a local Temporal dev server
 * (unless TEMPORAL_ADDRESS points at a cluster), the worker, and the tail
 * workflow; on SIGINT/SIGTERM stops the worker, then the server.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  installRuntime();
  logger.info({ config: describeConfig(config) }, 'starting probe-wake');

  let devServer: DevServer | undefined;
  let stopping = false;
  const stopEarly = () => {
    stopping = true;
    void devServer?.stop().then(() => process.exit(130));
  };
  process.once('SIGINT', stopEarly);
  process.once('SIGTERM', stopEarly);

  const target = await temporalTarget(config, (server) => (devServer = server));
  if (stopping) return;
  const connection = await NativeConnection.connect(target.connectionOptions);
  const worker = await createProbeWakeWorker({ connection, config: target.config });
  // From here on the SDK's own signal handling drains the worker; we stop the server after it.
  process.off('SIGINT', stopEarly);
  process.off('SIGTERM', stopEarly);
  const running = worker.run();

  const clientConnection = await Connection.connect(target.connectionOptions);
  const client = new Client({ connection: clientConnection, namespace: target.config.temporal.namespace });
  const tail = await ensureTailWorkflow(client, target.config);
  await clientConnection.close();

  const ui = devServer ? `${devServer.uiUrl}/namespaces/${target.config.temporal.namespace}/workflows` : 'your cluster\'s Web UI';
  logger.info({ tail, ui, auditLogPath: config.auditLogPath, devServerPid: devServer?.process.pid }, 'probe-wake ready');
  process.stderr.write(
    `\nprobe-wake is running.\n  audit log:   ${config.auditLogPath}\n  tail:        ${tail.workflowId} (task queue ${target.config.temporal.taskQueue})\n  Temporal UI: ${ui}\n  stop:        Ctrl-C\n\n`,
  );

  try {
    await running;
  } finally {
    await connection.close();
    await devServer?.stop();
    logger.info('probe-wake stopped');
  }
}

interface TemporalTarget {
  config: AppConfig;
  connectionOptions: { address?: string } & Record<string, unknown>;
}

async function temporalTarget(config: AppConfig, onDevServer: (server: DevServer) => void): Promise<TemporalTarget> {
  if (config.temporal.address) {
    const { connectionOptions, namespace } = loadClientConnectConfig();
    return {
      config: { ...config, temporal: { ...config.temporal, namespace: namespace ?? config.temporal.namespace } },
      connectionOptions: connectionOptions as TemporalTarget['connectionOptions'],
    };
  }
  const cliPath = resolveTool(TEMPORAL_CLI);
  const dbFile = config.temporal.devDbFile;
  logger.info({ cliPath, port: config.temporal.devPort, uiPort: config.temporal.devUiPort, dbFile }, 'starting Temporal dev server');
  const server = await startDevServer({ cliPath, port: config.temporal.devPort, uiPort: config.temporal.devUiPort, dbFile });
  onDevServer(server);
  return { config, connectionOptions: { address: server.address } };
}

main().catch((err) => {
  if (err instanceof ConfigError || err instanceof ToolSetupError) {
    process.stderr.write(`probe-wake: ${err.message}\n`);
    process.exit(2);
  }
  logger.fatal({ err }, 'probe-wake failed to start');
  process.exit(1);
});
