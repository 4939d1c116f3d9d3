import { ClusterResource, InstanceStatus } from '@basalt/plugin-basalt-common';
import { readFileSync } from 'fs';
import { join } from 'path';

/** Where the local runtime under `rootDir` keeps an instance's files. */
export function instanceDirOf(
  rootDir: string,
  cluster: ClusterResource,
  instance: InstanceStatus,
): string {
  return join(
    rootDir,
    'nodes',
    instance.node,
    cluster.metadata.namespace,
    cluster.metadata.name,
    instance.name,
  );
}

/** The engine's postmaster pid, from the file the local runtime keeps. */
export function serverPidOf(
  rootDir: string,
  cluster: ClusterResource,
  instance: InstanceStatus,
): number {
  const file = join(instanceDirOf(rootDir, cluster, instance), 'server.pid');
  return Number(readFileSync(file, 'utf8').split('\n')[0]);
}
