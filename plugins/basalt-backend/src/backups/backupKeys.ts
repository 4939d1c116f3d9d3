import { randomBytes } from 'crypto';

/** The cluster a backup or archived log file belongs to. */
export interface ClusterIdentity {
  namespace: string;
  name: string;
  uid: string;
}

/**
 * Where one cluster's backups and archived log live in a repository:
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

/**
 * `<cluster prefix>wal/`: the cluster's archived log files, whatever its
 * engine calls its log. The folder keeps the name it had when PostgreSQL
 * was the only engine, so the archives already in repositories stay found.
 */
export function logPrefix(cluster: ClusterIdentity): string {
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
