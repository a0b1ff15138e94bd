import { readFileSync } from 'node:fs';
import type { ClusterSpec } from './temporalServer';

/** What the cluster project's global setup hands the test files (as JSON, since they run in other processes). */
export interface ClusterState {
  spec: ClusterSpec;
  address: string;
  namespace: string;
  /** The server process global setup started: a test that restarts the server must not. */
  serverPid: number;
  tmpDir: string;
}

export const STATE_ENV = 'PROBE_WAKE_CLUSTER_STATE';

export function clusterState(): ClusterState {
  const file = process.env[STATE_ENV];
  if (!file) throw new Error(`${STATE_ENV} is not set: the cluster tests run in jest's \`cluster\` project (its globalSetup starts the cluster)`);
  return JSON.parse(readFileSync(file, 'utf8')) as ClusterState;
}
