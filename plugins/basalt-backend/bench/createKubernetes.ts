/*
 * yarn bench:create --runtime kubernetes — on a real Kubernetes data plane
 * on this machine (3 nodes: real kubelets, containerd and runc running the
 * PostgreSQL image; kube-apiserver, etcd, kube-controller-manager), with a
 * backend on the kubernetes runtime in this process:
 *
 * - floor: one Pod of the same image created by hand through the API
 *   (host network, initdb + start, `pg_isready` readiness probe every
 *   second), from its creation to its Ready condition;
 * - create: a 3-instance PostgreSQL cluster, from applying its manifest to
 *   the first write accepted on its primary, and to Ready (every instance);
 * - failover: on a ready 3-instance cluster, the primary's Pod deleted
 *   without grace, to the first write accepted on the new primary.
 *
 * Services do not route in this data plane (no kube-proxy, and Endpoints
 * refuse the nodes' loopback addresses), so "first write through the
 * read-write endpoint" is measured as the first write accepted by the
 * primary the read-write Service selects: the Pod labelled
 * `basalt.dev/role=primary`, reached at its address (`status.podIP` and the
 * engine container's port), on a connection opened for each try (every
 * 50 ms once such a Pod exists).
 *
 *   yarn bench:create --runtime kubernetes [--runs N]
 *
 * The data plane takes a machine-wide lock: the bench waits while a test
 * holds one. Everything stops at the end, on an error or on Ctrl-C.
 */
import { BasaltClient, ClusterResource } from '@basalt/plugin-basalt-common';
import { KubeConfig } from '@kubernetes/client-node';
import {
  deleteAndWait,
  postgresManifest,
} from '../src/__testUtils__/testBackend';
import { startKubeBenchBackend } from './lib/kubeBenchBackend';
import { killedPodFailovers } from './lib/kubeFailover';
import { measureKubeFloor } from './lib/kubeFloor';
import { PrimaryWriter } from './lib/kubeWrites';
import { median } from './lib/stats';
import { sleep } from './lib/time';

const NODES = 3;
const REPLICAS = 3;
const CREATE_TARGET_MS = 10_000;
const FAILOVER_TARGET_MS = 2_000;
/** As the kubernetes integration tests run their backend. */
const CONTROLLER = {
  resyncInterval: '1s',
  ha: { probeTimeout: '2s', failureThreshold: 5 },
};
/** Class `s` as the product defines it by default; the floor Pod gets the same. */
const CLASS_S = { cpu: '1', memory: '1Gi' };

const manifest = (name: string) => {
  const base = postgresManifest(name, { replicas: REPLICAS });
  return { ...base, metadata: { name, namespace: 'bench' } };
};

/** Ready with every instance ready, for the cluster's current generation. */
function isReady(cluster: ClusterResource): boolean {
  const status = cluster.status;
  return (
    status?.observedGeneration === cluster.metadata.generation &&
    status.conditions.some(c => c.type === 'Ready' && c.status === 'True') &&
    status.instances.length === REPLICAS &&
    status.instances.every(i => i.ready)
  );
}

/**
 * The instances whose Pod the kubelet could not start at first, its
 * volume not mountable yet (the cluster's `FailedMount` events: its claim
 * not bound yet, or the node not yet allowed to read it).
 */
async function mountWaits(
  client: BasaltClient,
  ref: { namespace: string; name: string },
): Promise<string[]> {
  const events = await client.listClusterEvents(ref, { limit: 100 });
  const instances = events
    .filter(e => e.reason === 'FailedMount')
    .map(e => e.message.split(':')[0]);
  return [...new Set(instances)].sort();
}

/** One create: apply → first write on the primary, and → Ready. */
async function createOnce(
  client: BasaltClient,
  admin: KubeConfig,
  name: string,
) {
  const ref = { namespace: 'bench', name };
  const started = performance.now();
  const cluster = await client.applyCluster(manifest(name));
  const writer = new PrimaryWriter(admin, cluster);
  let labelled: number | undefined;
  let firstWrite: number | undefined;
  let ready: number | undefined;
  while (firstWrite === undefined || ready === undefined) {
    if (firstWrite === undefined) {
      const primary = await writer.primary();
      if (primary) {
        labelled ??= performance.now() - started;
        if (await writer.tryWrite(primary)) {
          firstWrite = performance.now() - started;
        }
      }
    }
    if (ready === undefined && isReady(await client.getCluster(ref))) {
      ready = performance.now() - started;
    }
    if (performance.now() - started > 120_000) {
      throw new Error(`${name}: no write or not Ready after 120 s`);
    }
    await sleep(50);
  }
  const waits = await mountWaits(client, ref);
  await deleteAndWait(client, ref, 120_000);
  return { labelled: labelled!, firstWrite, ready, waits };
}

const fmt = (value: number) =>
  Number.isFinite(value) ? `${value.toFixed(0)} ms` : 'timeout';
const verdict = (value: number, target: number) =>
  `target ≤ ${target}: ${value <= target ? 'ok' : 'FAIL'}`;

/** Runs the bench and prints its figures; the caller exits. */
export async function benchCreateKubernetes(runs: number): Promise<void> {
  const bench = await startKubeBenchBackend({
    nodes: NODES,
    controller: CONTROLLER,
    resourceClasses: { s: CLASS_S },
  });
  try {
    const { plane, admin, client } = bench;
    const floor = await measureKubeFloor(admin, {
      node: plane.kube.nodeNames()[0],
      image: plane.kube.images.postgresql.ref,
      resources: { requests: CLASS_S, limits: CLASS_S },
      runs,
    });
    console.log(`floor: ${floor.map(fmt).join(', ')}`);
    const creates = [];
    for (let run = 0; run < runs; run++) {
      const result = await createOnce(client, admin, `create-${run}`);
      console.log(
        `create ${run + 1}: primary labelled ${fmt(
          result.labelled,
        )}, first write ${fmt(result.firstWrite)}, ready ${fmt(
          result.ready,
        )}; FailedMount (volume not mountable yet) for: ${
          result.waits.join(', ') || 'none'
        }`,
      );
      creates.push(result);
    }
    const kills = await killedPodFailovers(
      client,
      admin,
      manifest('failover'),
      runs,
    );
    kills.forEach((kill, run) =>
      console.log(
        `failover ${run + 1}: new primary labelled ${fmt(
          kill.relabelled,
        )}, first write ${fmt(kill.firstWrite)}`,
      ),
    );

    const floorMs = median(floor);
    const write = median(creates.map(c => c.firstWrite));
    const ready = median(creates.map(c => c.ready));
    const failover = median(kills.map(k => k.firstWrite));
    const recorded = kills.flatMap(k => k.recorded ?? []);
    const waited = creates.filter(c => c.waits.length > 0).length;
    console.log(
      `\nbench:create --runtime kubernetes — median of ${runs} runs, ${NODES} nodes (real kubelets, containerd, runc)`,
    );
    console.log(
      'controller: resync 1 s; primaries probed every 250 ms (default), 2 s timeout, lost after 5 failed probes (as the integration tests run it)',
    );
    console.log(
      `instances: class s (${CLASS_S.cpu} CPU, ${CLASS_S.memory}); the floor Pod the same requests and limits`,
    );
    console.log(
      'first write: the first INSERT accepted by the Pod labelled basalt.dev/role=primary (the one the read-write Service selects), at its address (status.podIP + the engine port), on a new connection every 50 ms — Services do not route in this data plane (no kube-proxy)',
    );
    console.log(
      `floor: one Pod by hand (initdb + start, Ready)      ${fmt(floorMs)}`,
    );
    console.log(
      `${REPLICAS} instances: first write ${fmt(write)} (${verdict(
        write,
        CREATE_TARGET_MS,
      )})   ready ${fmt(ready)}   first write/floor ${(write / floorMs).toFixed(
        2,
      )}   ready/floor ${(ready / floorMs).toFixed(2)}`,
    );
    console.log(
      `  primary labelled at ${fmt(
        median(creates.map(c => c.labelled)),
      )} (median); runs where a Pod waited for its volume (FailedMount): ${waited} of ${runs}`,
    );
    console.log(
      `failover on a killed Pod: first write on the new primary  median ${fmt(
        failover,
      )} (${verdict(failover, FAILOVER_TARGET_MS)})  [runs: ${kills
        .map(k => fmt(k.firstWrite))
        .join(', ')}]`,
    );
    console.log(
      `  new primary labelled at ${fmt(
        median(kills.map(k => k.relabelled)),
      )} (median); status.lastFailover.durationMs (detection → endpoint moved) median ${
        recorded.length ? fmt(median(recorded)) : '—'
      }`,
    );
  } finally {
    await bench.stop();
  }
}
