import { ConflictError } from '@backstage/errors';
import { ClusterResource, clusterRefOf } from '@basalt/plugin-basalt-common';
import { Look, done, waiting } from './poll';

/**
 * Judges a cluster whose deletion was requested: done once it is gone
 * (`undefined`), waiting while it is still there, saying what it shows.
 *
 * @throws ConflictError with the controller's reason when it withdrew the
 * deletion (it takes the deletion timestamp away and sets DeletionBlocked,
 * e.g. when the final backup of `BackupThenDelete` failed): waiting longer
 * would not make the cluster go.
 */
export function deletionProgress(
  cluster: ClusterResource | undefined,
): Look<void> {
  if (!cluster) return done(undefined);
  const conditions = cluster.status?.conditions ?? [];
  const blocked = conditions.find(
    c => c.type === 'DeletionBlocked' && c.status === 'True',
  );
  if (blocked && !cluster.metadata.deletionTimestamp) {
    throw new ConflictError(
      `EngineCluster ${clusterRefOf(cluster)} was not deleted: ${
        blocked.message
      }`,
    );
  }
  const progressing = conditions.find(
    c => c.type === 'Progressing' && c.status === 'True',
  );
  return waiting(
    [
      `phase ${cluster.status?.phase ?? 'unknown'}`,
      ...(progressing ? [`${progressing.reason}: ${progressing.message}`] : []),
    ].join('; '),
  );
}
