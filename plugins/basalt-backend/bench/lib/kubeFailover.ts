import { BasaltClient, EngineClusterInput } from '@basalt/plugin-basalt-common';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { podsOf } from '../../src/__testUtils__/kubernetesBackend';
import { primaryOf, untilReady } from '../../src/__testUtils__/testBackend';
import { LABELS } from '../../src/runtime/kubernetes/names';
import { instanceOf, PrimaryWriter } from './kubeWrites';
import { sleep } from './time';

/** One failover on a killed Pod, in ms from the deletion. */
export interface KilledPodFailover {
  /** To a Pod of another instance labelled primary. */
  relabelled: number;
  /** To the first write that Pod accepted (Infinity: none within 60 s). */
  firstWrite: number;
  /** The controller's `status.lastFailover.durationMs`, when it recorded one. */
  recorded?: number;
}

/**
 * Failovers on one cluster made from `manifest` (which names its
 * namespace), of `spec.replicas` instances: per run, once it is Ready with
 * every instance, every Pod Ready and the one labelled primary the
 * status's primary, and a row was written on that primary, its Pod is
 * deleted with `gracePeriodSeconds: 0`; measured to the first write
 * accepted by a Pod of another instance labelled primary, on a connection
 * opened for each try (every 50 ms).
 */
export async function killedPodFailovers(
  client: BasaltClient,
  admin: KubeConfig,
  manifest: EngineClusterInput,
  runs: number,
): Promise<KilledPodFailover[]> {
  const ref = {
    namespace: manifest.metadata.namespace!,
    name: manifest.metadata.name,
  };
  const replicas = manifest.spec.replicas ?? 1;
  const cluster = await client.applyCluster(manifest);
  const writer = new PrimaryWriter(admin, cluster);
  const core = admin.makeApiClient(CoreV1Api);
  const results: KilledPodFailover[] = [];
  for (let run = 0; run < runs; run++) {
    const deadline = performance.now() + 120_000;
    let old: string;
    for (;;) {
      old = primaryOf(
        await untilReady(client, ref, replicas, undefined, 120_000),
      ).name;
      const pods = await podsOf(admin, cluster);
      const pod = await writer.primary();
      const settled =
        pods.length === replicas &&
        pods.every(p =>
          p.status?.conditions?.some(
            c => c.type === 'Ready' && c.status === 'True',
          ),
        ) &&
        pod !== undefined &&
        instanceOf(pod) === old;
      if (settled && (await writer.tryWrite(pod))) break;
      if (performance.now() > deadline) {
        const roles = pods.map(
          p => `${p.metadata?.name}=${p.metadata?.labels?.[LABELS.role]}`,
        );
        throw new Error(
          `${
            ref.name
          }: no write on its primary ${old} within 120 s (Pods ${roles.join(
            ', ',
          )}; last error: ${writer.lastError})`,
        );
      }
      await sleep(50);
    }
    const oldPod = (await writer.primary())!;
    const killedAt = Date.now();
    const started = performance.now();
    await core.deleteNamespacedPod({
      namespace: oldPod.metadata!.namespace!,
      name: oldPod.metadata!.name!,
      gracePeriodSeconds: 0,
    });
    let relabelled = Infinity;
    let firstWrite = Infinity;
    while (performance.now() - started < 60_000) {
      const pod = await writer.primary();
      if (pod && instanceOf(pod) !== old) {
        if (relabelled === Infinity) relabelled = performance.now() - started;
        if (await writer.tryWrite(pod)) {
          firstWrite = performance.now() - started;
          break;
        }
      }
      await sleep(50);
    }
    // The status is written once the controller's pass is over.
    let recorded: number | undefined;
    for (let tries = 0; recorded === undefined && tries < 100; tries++) {
      const last = (await client.getCluster(ref)).status?.lastFailover;
      // (Less a second, should the timestamp be truncated to seconds.)
      if (last && Date.parse(last.timestamp) >= killedAt - 1000) {
        recorded = last.durationMs;
      } else await sleep(100);
    }
    results.push({ relabelled, firstWrite, recorded });
  }
  return results;
}
