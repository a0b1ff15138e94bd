import type { Connection } from '@temporalio/client';

/** Who answers on an address: the cluster ID is generated once per cluster and kept in its database. */
export interface ClusterIdentity {
  clusterId: string;
  clusterName: string;
  serverVersion: string;
}

export class ClusterChangedError extends Error {
  override name = 'ClusterChangedError';
}

/** WorkflowService.GetClusterInfo; undefined when the server does not offer it (then nothing is checked). */
export async function clusterIdentity(connection: Connection): Promise<ClusterIdentity | undefined> {
  let info;
  try {
    // A server that is down answers nothing: give up after a while rather than wait for ever.
    info = await connection.withDeadline(Date.now() + 5_000, () => connection.workflowService.getClusterInfo({}));
  } catch {
    return undefined;
  }
  if (!info.clusterId) return undefined;
  return { clusterId: info.clusterId, clusterName: info.clusterName ?? '', serverVersion: info.serverVersion ?? '' };
}

/** The error when `seen` is not the cluster `expected` was: another cluster took the address. */
export function identityChange(address: string, expected: ClusterIdentity, seen: ClusterIdentity | undefined): ClusterChangedError | undefined {
  if (!seen || seen.clusterId === expected.clusterId) return undefined;
  return new ClusterChangedError(
    `Temporal at ${address} is now a different cluster: cluster ID ${seen.clusterId} (name ${seen.clusterName || '?'}), ` +
      `but this process started against ${expected.clusterId} (name ${expected.clusterName || '?'}); stopping rather than ` +
      'work on the wrong cluster. Check TEMPORAL_ADDRESS, or what now listens on that address, then restart.',
  );
}

/**
 * Asks the cluster's identity every `intervalMs` and calls `onChange` once when it differs from
 * `expected`. An unreachable server (a restart) is not a change: the check waits for an answer.
 */
export function watchClusterIdentity(
  connection: Connection,
  address: string,
  expected: ClusterIdentity,
  onChange: (err: ClusterChangedError) => void,
  intervalMs = 5_000,
): () => void {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const tick = async () => {
    const change = identityChange(address, expected, await clusterIdentity(connection));
    if (stopped) return;
    if (change) {
      stopped = true;
      onChange(change);
      return;
    }
    timer = setTimeout(() => void tick(), intervalMs);
  };
  timer = setTimeout(() => void tick(), intervalMs);
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
  };
}
