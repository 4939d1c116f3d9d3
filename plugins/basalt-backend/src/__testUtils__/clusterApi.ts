import {
  ClusterEvent,
  ClusterReasons,
  ClusterResource,
} from '@basalt/plugin-basalt-common';
import { readFileSync } from 'fs';
import { Client } from 'pg';
import request from 'supertest';
import { eventually } from '../testUtils/eventually';

type Server = Parameters<typeof request>[0];

/** Waits until the cluster reports Ready for its current generation. */
export function waitReady(server: Server, ref: string, replicas: number) {
  return eventually(
    async () => {
      const { body } = await request(server).get(`/api/basalt/clusters/${ref}`);
      const cluster = body as ClusterResource;
      const ready = cluster.status?.conditions.find(c => c.type === 'Ready');
      return cluster.status?.observedGeneration ===
        cluster.metadata.generation &&
        ready?.status === 'True' &&
        cluster.status.instances.length === replicas
        ? cluster
        : undefined;
    },
    { what: `${ref} to be ready with ${replicas} instances` },
  );
}

/** Connects through an endpoint with the superuser from the credentials file. */
export async function connect(
  cluster: ClusterResource,
  endpoint: 'readWrite' | 'readOnly',
  database = 'postgres',
): Promise<Client> {
  const [host, port] = cluster.status!.endpoints[endpoint]!.split(':');
  const credentials = JSON.parse(
    readFileSync(cluster.status!.credentials!.location, 'utf8'),
  );
  const client = new Client({
    host,
    port: Number(port),
    user: credentials.credentials.superuser.username,
    password: credentials.credentials.superuser.password,
    database,
  });
  await client.connect();
  return client;
}

/**
 * Events but those a probe's answer alone causes (instances found not ready,
 * the cluster ready again), which one slow probe on a loaded test machine
 * can add at any moment.
 */
export function withoutProbeEvents(events: ClusterEvent[]): ClusterEvent[] {
  const probed: string[] = [ClusterReasons.InstancesNotReady, 'Ready'];
  return events.filter(event => !probed.includes(event.reason));
}
