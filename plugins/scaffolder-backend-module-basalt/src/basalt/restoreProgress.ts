import {
  ClusterResource,
  RestoreRequest,
  RestoreSource,
} from '@basalt/plugin-basalt-common';

/**
 * Where a restored cluster's data comes from, in words: from its
 * `spec.restore` (what the API resolved the request to) when there is one,
 * else from the request made to `sourceRef`.
 */
export function describeRestoreSource(
  from: RestoreSource | RestoreRequest,
  sourceRef: string,
): string {
  const { backup, cluster, time } = from as {
    backup?: string;
    cluster?: string;
    time?: string;
  };
  if (backup) return `backup ${backup} of ${sourceRef}`;
  if (time) return `${cluster ?? sourceRef} as of ${time}`;
  // A source cluster without a time is its latest state: the latest backup
  // and the log archived since.
  return cluster
    ? `the latest state of ${cluster}`
    : `the latest backup of ${sourceRef}`;
}

/**
 * What a restored cluster still has to do before its Ready condition
 * counts: undefined once its data is restored (`Restored` is True),
 * otherwise what `Restored` says.
 *
 * @throws Error with the condition's message when the restore failed
 * (`RestoreFailed`): the controller does not retry it, so waiting longer
 * would not make the cluster ready.
 */
export function restorePending(cluster: ClusterResource): string | undefined {
  const restored = cluster.status?.conditions.find(c => c.type === 'Restored');
  if (restored?.status === 'True') return undefined;
  if (restored?.reason === 'RestoreFailed') {
    throw new Error(
      `EngineCluster ${cluster.metadata.namespace}/${cluster.metadata.name} could not be restored: ${restored.message}`,
    );
  }
  return restored
    ? `Restored is ${restored.status} (${restored.reason}: ${restored.message})`
    : 'the restore has not started yet';
}
