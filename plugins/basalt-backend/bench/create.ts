/*
 * yarn bench:create — how long from applying a manifest to the first write
 * accepted through the cluster's read-write endpoint (and to Ready, every
 * instance up), beside the floor measured by hand in the same run.
 *
 *   yarn bench:create [--runtime local|kubernetes] [--engine postgresql|redis]
 *                     [--runs N]
 *
 * `--runtime local` (the default): 1 and 3 instances on the local runtime;
 * the floor is initdb + start + pg_basebackup + start.
 * `--runtime kubernetes`: 3 instances on a real Kubernetes data plane on
 * this machine (the first write on the primary the read-write Service
 * selects, as Services do not route there), and failover on a killed Pod;
 * see createKubernetes.ts. Any other runtime exits with 2.
 * `--engine redis`: 1 and 3 Redis instances on the local runtime, beside
 * Redis's floor (redis-server start, a replica's full synchronization); see
 * redis.ts.
 */
import { ClusterResource } from '@basalt/plugin-basalt-common';
import { join } from 'path';
import { Client } from 'pg';
import { benchCreateKubernetes } from './createKubernetes';
import { measureFloor } from './floor';
import { benchRedisCreate } from './redis';
import { startBenchBackend } from './lib/backend';
import { readCredentials } from './lib/credentials';
import { median } from './lib/stats';
import { choice, count } from './lib/options';
import { sleep } from './lib/time';

let runtime: 'local' | 'kubernetes';
let engine: 'postgresql' | 'redis';
let runs: number;
try {
  runtime = choice('runtime', ['local', 'kubernetes'], 'local');
  engine = choice('engine', ['postgresql', 'redis'], 'postgresql');
  if (engine === 'redis' && runtime !== 'local') {
    throw new Error('--engine redis runs on --runtime local only');
  }
  runs = count('runs', 5);
} catch (error) {
  console.error(`bench:create: ${(error as Error).message}`);
  process.exit(2);
}

async function tryWrite(cluster: ClusterResource): Promise<boolean> {
  const endpoint = cluster.status?.endpoints.readWrite;
  const location = cluster.status?.credentials?.location;
  if (!endpoint || !location) return false;
  const [host, port] = endpoint.split(':');
  const { username, password } = readCredentials(location);
  const client = new Client({
    host,
    port: Number(port),
    user: username,
    password,
    database: 'postgres',
    connectionTimeoutMillis: 1000,
  });
  try {
    await client.connect();
    await client.query(
      'CREATE TABLE IF NOT EXISTS bench (t timestamptz); INSERT INTO bench VALUES (now())',
    );
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

async function main() {
  const backend = await startBenchBackend();
  const { rootDir, api } = backend;
  const get = async (ref: string) =>
    (await (await fetch(`${api}/${ref}`)).json()) as ClusterResource;

  try {
    const floor = await measureFloor(join(rootDir, 'floor'), runs);
    const rows: string[] = [];
    for (const replicas of [1, 3]) {
      const firstWrite: number[] = [];
      const ready: number[] = [];
      for (let run = 0; run < runs; run++) {
        const name = `bench-${replicas}-${run}`;
        const started = performance.now();
        await fetch(api, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            apiVersion: 'basalt.dev/v1alpha1',
            kind: 'EngineCluster',
            metadata: { name, namespace: 'bench' },
            spec: {
              engine: 'postgresql',
              replicas,
              terminationPolicy: 'Delete',
            },
          }),
        });
        let wrote: number | undefined;
        for (;;) {
          const cluster = await get(`bench/${name}`);
          if (wrote === undefined && (await tryWrite(cluster)))
            wrote = performance.now() - started;
          const isReady = cluster.status?.conditions.some(
            c => c.type === 'Ready' && c.status === 'True',
          );
          if (wrote !== undefined && isReady) break;
          if (performance.now() - started > 60_000)
            throw new Error(`${name} not ready after 60 s`);
          await sleep(10);
        }
        firstWrite.push(wrote);
        ready.push(performance.now() - started);
        await fetch(`${api}/bench/${name}`, { method: 'DELETE' });
        while ((await fetch(`${api}/bench/${name}`)).status !== 404)
          await sleep(50);
      }
      const floorMs =
        replicas === 1 ? floor.primary : floor.primary + floor.replica;
      rows.push(
        `${replicas} instance${replicas > 1 ? 's' : ' '}  first write ${median(
          firstWrite,
        )
          .toFixed(0)
          .padStart(5)} ms   ready ${median(ready)
          .toFixed(0)
          .padStart(5)} ms   floor ${floorMs
          .toFixed(0)
          .padStart(5)} ms   ready/floor ${(median(ready) / floorMs).toFixed(
          2,
        )}`,
      );
    }
    console.log(
      `\nbench:create — median of ${runs} runs (floor by hand in the same run: initdb + start for a primary, plus pg_basebackup + start of one replica for 3 instances, whose replicas clone in parallel)`,
    );
    console.log(
      `floor parts: primary ${floor.primary.toFixed(
        0,
      )} ms, one replica ${floor.replica.toFixed(0)} ms`,
    );
    rows.forEach(row => console.log(row));
  } finally {
    await backend.stop();
  }
}

let bench: Promise<void>;
if (engine === 'redis') bench = benchRedisCreate(runs);
else if (runtime === 'kubernetes') bench = benchCreateKubernetes(runs);
else bench = main();

bench.then(
  // The backend's pools and timers would keep the process alive.
  () => process.exit(0),
  error => {
    console.error(error);
    process.exit(1);
  },
);
