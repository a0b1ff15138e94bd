import { loadClientConnectConfig } from '@temporalio/envconfig';
import type { NativeConnectionOptions } from '@temporalio/worker';
import { ConfigError, type AppConfig } from '../config/config';

/**
 * Where to talk to Temporal, for the worker, `npm start` and the CLI alike:
 * the connection (its options serve both the client's Connection and the
 * worker's NativeConnection), and the config as it applies there.
 */
export interface TemporalTarget {
  /** With the namespace the target resolved. */
  config: AppConfig;
  connectionOptions: NativeConnectionOptions;
  /** For messages: never includes credentials. */
  address: string;
}

/**
 * An existing cluster through Temporal's env config: TEMPORAL_ADDRESS,
 * TEMPORAL_NAMESPACE, TEMPORAL_API_KEY (turns TLS on), TEMPORAL_TLS_* (client
 * cert/key for mTLS, server CA, server name), or a TEMPORAL_PROFILE of the
 * TOML config file. Its namespace wins over our default.
 */
export function clusterTarget(config: AppConfig, env: NodeJS.ProcessEnv = process.env): TemporalTarget {
  const { connectionOptions, namespace } = loadClientConnectConfig({ overrideEnvVars: definedOnly(env) });
  if (!connectionOptions.address) {
    throw new ConfigError(['TEMPORAL_ADDRESS: not set (lib/worker.js joins an existing cluster; `npm start` runs a local dev server)']);
  }
  return {
    config: { ...config, temporal: { ...config.temporal, namespace: namespace ?? config.temporal.namespace } },
    connectionOptions,
    address: connectionOptions.address,
  };
}

/** A local dev server (the one `npm start` runs, or a test's). */
export function devServerTarget(config: AppConfig, address: string): TemporalTarget {
  return { config, connectionOptions: { address }, address };
}

/** As `npm start` decides: TEMPORAL_ADDRESS set → that cluster; unset → its dev server on TEMPORAL_DEV_PORT. */
export function temporalTarget(config: AppConfig, env: NodeJS.ProcessEnv = process.env): TemporalTarget {
  return config.temporal.address ? clusterTarget(config, env) : devServerTarget(config, `127.0.0.1:${config.temporal.devPort}`);
}

function definedOnly(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined));
}
