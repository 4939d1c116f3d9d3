import {
  ClusterEvent,
  ClusterResource,
  InstanceStatus,
} from '@basalt/plugin-basalt-common';
import { readFileSync } from 'fs';
import { join } from 'path';
import { BenchBackend } from './backend';
import { readAccountPassword } from './credentials';
import { pollUntil } from './time';

export const NAMESPACE = 'bench';
export const DATABASE = 'bench';
export const ACCOUNT = 'bench';

/** A 3-instance PostgreSQL cluster with automatic failover. */
export function haManifest(name: string, replication: 'async' | 'sync') {
  return {
    apiVersion: 'basalt.dev/v1alpha1',
    kind: 'EngineCluster',
    metadata: { name, namespace: NAMESPACE },
    spec: {
      engine: 'postgresql',
      replicas: 3,
      ha: { replication, failover: 'automatic' },
      databases: [DATABASE],
      accounts: [{ name: ACCOUNT, databases: [DATABASE], role: 'readwrite' }],
      terminationPolicy: 'Delete',
    },
  };
}

/** How clients reach the cluster: its read-write endpoint and the bench account. */
export interface Connection {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
}

export function connectionOf(cluster: ClusterResource): Connection {
  const endpoint = cluster.status?.endpoints.readWrite;
  const location = cluster.status?.credentials?.location;
  if (!endpoint || !location) {
    throw new Error(`${cluster.metadata.name} has no endpoint or credentials`);
  }
  const [host, port] = endpoint.split(':');
  return {
    host,
    port: Number(port),
    user: ACCOUNT,
    password: readAccountPassword(location, ACCOUNT),
    database: DATABASE,
  };
}

export const primaryOf = (cluster: ClusterResource) =>
  cluster.status?.instances.find(i => i.role === 'primary');

/** The port an instance listens on, from `status.instances[].address`. */
export const portOf = (instance?: InstanceStatus): number | undefined =>
  Number(instance?.address?.split(':')[1]) || undefined;

/** `name:port` of every instance the statuses list, by port. */
export function instancesByPort(
  ...clusters: ClusterResource[]
): Map<number, string> {
  const names = new Map<number, string>();
  for (const instance of clusters.flatMap(c => c.status?.instances ?? [])) {
    const port = portOf(instance);
    if (port) names.set(port, instance.name);
  }
  return names;
}

/** `<rootDir>/nodes/<node>/<namespace>/<cluster>/<instance>/server.pid` */
export function pidFileOf(
  rootDir: string,
  cluster: ClusterResource,
  instance: InstanceStatus,
): string {
  const { namespace, name } = cluster.metadata;
  return join(
    rootDir,
    'nodes',
    instance.node,
    namespace ?? 'default',
    name,
    instance.name,
    'server.pid',
  );
}

/**
 * The live engine server (postgres, redis-server) whose pid is on the first
 * line of `pidFile`; not a process that took over the pid since.
 */
export function runningPid(pidFile: string): number | undefined {
  try {
    const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
    if (!Number.isInteger(pid) || pid <= 0) return undefined;
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    const state = readFileSync(`/proc/${pid}/status`, 'utf8');
    return /postgres|redis-server/.test(cmdline) && !/State:\s+Z/.test(state)
      ? pid
      : undefined;
  } catch {
    return undefined;
  }
}

/** The process group `pid` leads, or `undefined` when it leads none. */
export function processGroupLedBy(pid: number): number | undefined {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the parenthesised command name: state ppid pgrp …
  const pgrp = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
  return pgrp === pid ? pgrp : undefined;
}

const isReady = (cluster: ClusterResource) =>
  cluster.status?.conditions.some(
    c => c.type === 'Ready' && c.status === 'True',
  ) ?? false;

/**
 * Waits until the cluster is Ready with `instances` ready instances, one of
 * them primary, each with a live server process none of which is in
 * `notPids` (the processes killed before: a status written before the
 * controller noticed the kill does not count).
 */
export async function waitUntilReady(
  backend: BenchBackend,
  ref: string,
  options: {
    instances: number;
    timeoutMs: number;
    notPids?: number[];
    signal?: AbortSignal;
  },
): Promise<ClusterResource> {
  let last: ClusterResource | undefined;
  const cluster = await pollUntil(
    async () => {
      last = await backend.get(ref);
      const instances = last.status?.instances ?? [];
      const ok =
        isReady(last) &&
        last.status?.endpoints.readWrite &&
        primaryOf(last) &&
        instances.length === options.instances &&
        instances.every(instance => {
          if (!instance.ready) return false;
          const pid = runningPid(pidFileOf(backend.rootDir, last!, instance));
          return pid !== undefined && !options.notPids?.includes(pid);
        });
      return ok ? last : undefined;
    },
    { timeoutMs: options.timeoutMs, pollMs: 50, signal: options.signal },
  );
  if (!cluster) {
    const summary = (last?.status?.instances ?? [])
      .map(i => `${i.name} ${i.role} ${i.ready ? 'ready' : 'not ready'}`)
      .join(', ');
    const ready = last?.status?.conditions.find(c => c.type === 'Ready');
    const events = await fetch(`${backend.api}/${ref}/events?limit=5`)
      .then(r => r.json())
      .then((body: { items: ClusterEvent[] }) =>
        body.items.map(e => `  ${e.timestamp} ${e.reason}: ${e.message}`),
      )
      .catch(() => []);
    throw new Error(
      `${ref} not Ready with ${options.instances} ready instances after ${
        options.timeoutMs / 1000
      } s (phase ${last?.status?.phase}; Ready ${ready?.status} ${
        ready?.reason
      }: ${ready?.message}; instances: ${
        summary || 'none'
      })\nLatest events:\n${events.join('\n')}`,
    );
  }
  return cluster;
}
