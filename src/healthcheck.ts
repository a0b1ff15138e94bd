import { DEFAULT_METRICS_ADDRESS } from './config/config';

/**
 * Container HEALTHCHECK: healthy while the worker's Prometheus endpoint
 * answers. The endpoint is served by the SDK runtime the worker installs, so
 * it is up exactly while the worker process is. Node built-ins only (the
 * runtime image has no curl or wget).
 */
export function metricsUrl(address = process.env.PROBE_WAKE_METRICS_ADDRESS?.trim() || DEFAULT_METRICS_ADDRESS): string {
  // A wildcard bind is reached on loopback from inside the container.
  const local = address.replace(/^0\.0\.0\.0:/, '127.0.0.1:').replace(/^\[::\]:/, '[::1]:');
  return `http://${local}/metrics`;
}

async function check(): Promise<number> {
  try {
    const response = await fetch(metricsUrl(), { signal: AbortSignal.timeout(4000) });
    return response.ok ? 0 : 1;
  } catch {
    return 1;
  }
}

if (require.main === module) {
  void check().then((code) => process.exit(code));
}
