import { makeTelemetryFilterString, Runtime, type TelemetryOptions } from '@temporalio/worker';
import { ConfigError, type WorkerSettings } from '../config/config';
import { logger, PinoTemporalLogger } from './logger';

let installed = false;

/**
 * The SDK core (Rust) prints its own log lines straight to the console unless told to forward
 * them: coloured text such as `WARN temporalio_client::retry: …` during a server outage, which
 * breaks "every stdout line is JSON". Forwarded, they reach pino through the runtime's logger.
 * WARN and above: the core's INFO is chatter (one line per poller start), its WARN is what an
 * operator wants (retries against an unavailable server, failed polls).
 */
export const CORE_LOGGING: NonNullable<TelemetryOptions['logging']> = {
  filter: makeTelemetryFilterString({ core: 'WARN', other: 'ERROR' }),
  forward: {},
};

/**
 * Installs the SDK runtime once per process: its logs go through pino, and
 * its metrics (plus ours, emitted through the SDK's metric meter) are served
 * for Prometheus at `http://<metricsAddress>/metrics`.
 *
 * A busy default port only disables metrics (several local processes may run
 * side by side); a port the operator chose that cannot be bound stops start-up.
 */
export function installRuntime(settings?: Pick<WorkerSettings, 'metricsAddress' | 'metricsAddressExplicit'>): void {
  if (installed) return;
  const bindAddress = settings?.metricsAddress;
  if (bindAddress) {
    try {
      Runtime.install({
        logger: new PinoTemporalLogger(),
        telemetryOptions: { logging: CORE_LOGGING, metrics: { prometheus: { bindAddress } } },
      });
      installed = true;
      logger.info({ metrics: `http://${bindAddress}/metrics` }, 'serving Prometheus metrics');
      return;
    } catch (err) {
      if (settings?.metricsAddressExplicit) {
        throw new ConfigError([`PROBE_WAKE_METRICS_ADDRESS=${JSON.stringify(bindAddress)}: cannot serve metrics there: ${(err as Error).message}`]);
      }
      logger.warn({ bindAddress, err: (err as Error).message }, 'default metrics address unavailable; running without metrics');
    }
  }
  Runtime.install({ logger: new PinoTemporalLogger(), telemetryOptions: { logging: CORE_LOGGING } });
  installed = true;
}
