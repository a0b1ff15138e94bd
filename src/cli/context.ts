import { Client, Connection } from '@temporalio/client';
import { temporalTarget, type TemporalTarget } from '../client/temporalTarget';
import { loadConfig, type AppConfig } from '../config/config';
import { probeWakeDataConverter } from '../codec/dataConverter';
import { clusterIdentity, identityChange } from '../runtime/clusterIdentity';

/** A failure the CLI explains in one message; `exitCode` 2 means "fix your input or config". */
export class CliError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
    this.name = 'CliError';
  }
}

/** The same loader and validation as the worker: a ConfigError stops the command with exit 2. */
export function cliConfig(): AppConfig {
  return loadConfig();
}

export interface TemporalSession {
  client: Client;
  connection: Connection;
  target: TemporalTarget;
  /** The target's namespace. */
  namespace: string;
}

/** Connects (failing fast with a fix when nothing answers), runs `body`, closes. */
export async function withTemporal<T>(config: AppConfig, body: (session: TemporalSession) => Promise<T>): Promise<T> {
  const target = temporalTarget(config);
  const { namespace } = target.config.temporal;
  const connection = await connectOrExplain(target);
  try {
    const identity = await clusterIdentity(connection);
    // The worker's converter: with PROBE_WAKE_CODEC_KEYS set, results and memos are ciphertext in history.
    const client = new Client({ connection, namespace, dataConverter: probeWakeDataConverter(config.codecKeys) });
    const result = await body({ client, connection, target, namespace });
    // The connection reconnects by itself: make sure what answered all along was the cluster we started with.
    const change = identity && identityChange(target.address, identity, await clusterIdentity(connection));
    if (change) throw new CliError(`${change.message}\n  what this command printed may come from either cluster`);
    return result;
  } finally {
    await connection.close();
  }
}

export async function connectOrExplain(target: TemporalTarget, timeoutMs = 5_000): Promise<Connection> {
  try {
    return await Connection.connect({ ...target.connectionOptions, connectTimeout: timeoutMs });
  } catch (err) {
    throw new CliError(`cannot reach Temporal at ${target.address}: ${errorText(err)}\n  fix: ${temporalFix()}`);
  }
}

export function temporalFix(): string {
  return 'start probe-wake with `npm start` (local dev server on TEMPORAL_DEV_PORT, default 7233), or set TEMPORAL_ADDRESS (and TEMPORAL_NAMESPACE / TEMPORAL_API_KEY / TEMPORAL_TLS_*) for an existing cluster';
}

export function errorText(err: unknown): string {
  if (err instanceof Error) return err.message.split('\n')[0] ?? err.name;
  return String(err);
}

/** Prints JSON for machines, or the human rendering. */
export function output(json: boolean, value: unknown, human: () => string): void {
  process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${human()}\n`);
}
