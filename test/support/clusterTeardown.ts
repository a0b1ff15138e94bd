import { promises as fs } from 'node:fs';

/** Stops what the cluster project's global setup started: the Temporal server, then PostgreSQL. */
export default async function clusterTeardown(): Promise<void> {
  const running = globalThis.probeWakeCluster;
  if (!running) return;
  await running.server?.stop('SIGTERM').catch(() => undefined);
  await running.postgres?.stop();
  await fs.rm(running.tmpDir, { recursive: true, force: true });
  globalThis.probeWakeCluster = undefined;
}
