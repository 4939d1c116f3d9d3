import { randomBytes } from 'crypto';

/** The cluster a backup or archived WAL file belongs to. */
export interface ClusterIdentity {
  namespace: string;
  name: string;
  uid: string;
}

/**
 * Where one cluster's backups and WAL live in a repository:
 * `<namespace>/<name>/<uid>/`. The uid keeps a later cluster of the same
 * name apart from an earlier one.
 */
export function clusterPrefix(cluster: ClusterIdentity): string {
  return `${cluster.namespace}/${cluster.name}/${cluster.uid}/`;
}

/** `<cluster prefix>backups/<id>/`: the objects of one backup. */
export function backupPrefix(cluster: ClusterIdentity, id: string): string {
  return `${clusterPrefix(cluster)}backups/${id}/`;
}

/** `<cluster prefix>wal/`: the cluster's archived WAL files. */
export function walPrefix(cluster: ClusterIdentity): string {
  return `${clusterPrefix(cluster)}wal/`;
}

/**
 * A new backup id: the start time (so ids sort by it) and a random suffix,
 * e.g. `20261124T083012Z-7f3a9c`.
 */
export function newBackupId(now: Date = new Date()): string {
  const stamp = now
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replace(/[-:]/g, '');
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}
