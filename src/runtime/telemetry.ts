import { Runtime } from '@temporalio/worker';
import { ConfigError, type WorkerSettings } from '../config/config';
import { logger, PinoTemporalLogger } from './logger';

let installed = false;

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
        telemetryOptions: { metrics: { prometheus: { bindAddress } } },
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
  Runtime.install({ logger: new PinoTemporalLogger() });
  installed = true;
}
