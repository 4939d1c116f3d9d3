/*
 * The Redis side of `yarn bench:create --engine redis` and
 * `yarn bench:failover --engine redis`, on the local runtime, each beside
 * Redis's floor measured by hand in the same run (redis-server start, and
 * a replica's start with its full synchronization).
 *
 * Failover: kill -9 of the primary of a 3-instance cluster under a
 * continuous writer; recovery is the time from the kill to the first write
 * acknowledged again (targets: median ≤ 0.5 s, max ≤ 1.5 s). Switchover:
 * POST …/switchover to the first write acknowledged by another server
 * (target ≤ 1 s). In `sync` a write counts once `WAIT 1` says a replica
 * has it, and none of those may be lost; in `async` the loss is counted.
 */
import { ClusterResource } from '@basalt/plugin-basalt-common';
import { chmodSync, mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { serverPidOf } from '../src/__testUtils__/localInstances';
import { BenchBackend, startBenchBackend } from './lib/backend';
import { NAMESPACE, portOf, primaryOf, waitUntilReady } from './lib/cluster';
import { RedisAckWriter } from './lib/redisAcks';
import { measureRedisFloor } from './lib/redisFloor';
import { max, median, ms } from './lib/stats';
import { pollUntil, sleep } from './lib/time';

type Mode = 'async' | 'sync';

const TARGETS = { failoverMedian: 500, failoverMax: 1500, switchover: 1000 };

function manifest(name: string, replicas: number, replication: Mode) {
  return {
    apiVersion: 'basalt.dev/v1alpha1',
    kind: 'EngineCluster',
    metadata: { name, namespace: NAMESPACE },
    spec: {
      engine: 'redis',
      replicas,
      ha: { replication },
      // The bench measures Basalt, not the volume driver.
      terminationPolicy: 'Delete',
    },
  };
}

async function withFloor<T>(
  runs: number,
  use: (backend: BenchBackend) => Promise<T>,
): Promise<{ floor: { start: number; replica: number }; result: T }> {
  const dir = mkdtempSync(join(tmpdir(), 'basalt-redis-floor-'));
  chmodSync(dir, 0o755); // the engine user must be able to reach it
  const backend = await startBenchBackend();
  try {
    const floor = await measureRedisFloor(dir, runs);
    return { floor, result: await use(backend) };
  } finally {
    await backend.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `yarn bench:create --engine redis`: apply → first write, and → Ready. */
export async function benchRedisCreate(runs: number): Promise<void> {
  const { floor, result } = await withFloor(runs, async backend => {
    const rows: string[] = [];
    for (const replicas of [1, 3]) {
      const writes: number[] = [];
      const ready: number[] = [];
      for (let run = 0; run < runs; run++) {
        const name = `create-${replicas}-${run}`;
        const ref = `${NAMESPACE}/${name}`;
        const t = performance.now();
        await backend.apply(manifest(name, replicas, 'async'));
        const writer = await pollUntil(
          async () => {
            const cluster = await backend.get(ref);
            if (!cluster.status?.endpoints.readWrite) return undefined;
            const probe = new RedisAckWriter(cluster, false);
            probe.start();
            await sleep(5);
            await probe.stop();
            return probe.acks.length > 0 ? probe : undefined;
          },
          { timeoutMs: 60_000, pollMs: 5 },
        );
        if (!writer) throw new Error(`${ref}: no write within 60 s`);
        writes.push(performance.now() - t);
        await waitUntilReady(backend, ref, {
          instances: replicas,
          timeoutMs: 60_000,
        });
        ready.push(performance.now() - t);
        await backend.remove(ref);
      }
      rows.push(
        `${replicas} instance${replicas > 1 ? 's' : ' '}: first write ${ms(
          median(writes),
        )}   Ready ${ms(median(ready))}`,
      );
    }
    return rows;
  });
  console.log(
    `\nbench:create --engine redis — median of ${runs} runs; floor by hand in the same run: redis-server start ${ms(
      floor.start,
      0,
    )}, a replica's start and full synchronization ${ms(floor.replica, 0)}`,
  );
  result.forEach(row => console.log(row));
}

interface Trial {
  recoveryMs: number;
  lost: number;
  /** `status.lastFailover.durationMs`: the controller's own account. */
  controllerMs?: number;
}

/** `yarn bench:failover --engine redis`. */
export async function benchRedisFailover(options: {
  trials: number;
  switchovers: number;
  modes: Mode[];
}): Promise<void> {
  const { floor, result } = await withFloor(5, async backend => {
    const lines: string[] = [];
    for (const mode of options.modes) {
      lines.push(...(await runMode(backend, mode, options)));
    }
    return lines;
  });
  console.log(
    `\nbench:failover --engine redis — floor by hand in the same run: redis-server start ${ms(
      floor.start,
      0,
    )}, a replica's start and full synchronization ${ms(floor.replica, 0)}`,
  );
  result.forEach(line => console.log(line));
}

async function runMode(
  backend: BenchBackend,
  mode: Mode,
  options: { trials: number; switchovers: number },
): Promise<string[]> {
  const name = `failover-${mode}`;
  const ref = `${NAMESPACE}/${name}`;
  console.log(`\n${ref}: 3 instances, replication ${mode}`);
  await backend.apply(manifest(name, 3, mode));
  let cluster = await waitUntilReady(backend, ref, {
    instances: 3,
    timeoutMs: 60_000,
  });
  const writer = new RedisAckWriter(cluster, mode === 'sync');
  writer.start();
  const failovers: Trial[] = [];
  const switchovers: Trial[] = [];
  try {
    for (let i = 1; i <= options.trials; i++) {
      cluster = await steady(backend, ref, writer);
      const old = primaryOf(cluster)!;
      const killedAt = performance.now();
      process.kill(serverPidOf(backend.rootDir, cluster, old), 'SIGKILL');
      // The first write another server took: one the dying primary still
      // acknowledged does not count.
      const trial = await recovery(
        backend,
        ref,
        writer,
        killedAt,
        c => c.status?.lastFailover?.from === old.name,
        portOf(old),
      );
      failovers.push(trial);
      console.log(
        `  failover ${i}/${options.trials}: killed ${
          old.name
        }; first write ${ms(trial.recoveryMs, 0)}, lost ${
          trial.lost
        }, controller ${ms(trial.controllerMs, 0)}`,
      );
    }
    for (let i = 1; i <= options.switchovers; i++) {
      cluster = await steady(backend, ref, writer);
      const old = primaryOf(cluster)!;
      const requestedAt = performance.now();
      const response = await fetch(`${backend.api}/${ref}/switchover`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      if (!response.ok) {
        throw new Error(
          `switchover: ${response.status} ${await response.text()}`,
        );
      }
      const trial = await recovery(
        backend,
        ref,
        writer,
        requestedAt,
        c => primaryOf(c)?.name !== old.name,
        portOf(old),
      );
      switchovers.push(trial);
      console.log(
        `  switchover ${i}/${options.switchovers}: from ${
          old.name
        }; first write on the new primary ${ms(trial.recoveryMs, 0)}, lost ${
          trial.lost
        }, controller ${ms(trial.controllerMs, 0)}`,
      );
    }
  } finally {
    await writer.stop();
    await backend.remove(ref);
  }
  return summary(mode, failovers, switchovers);
}

/** Ready with 3 instances, and the writer writing. */
async function steady(
  backend: BenchBackend,
  ref: string,
  writer: RedisAckWriter,
): Promise<ClusterResource> {
  const cluster = await waitUntilReady(backend, ref, {
    instances: 3,
    timeoutMs: 60_000,
  });
  const since = performance.now();
  await pollUntil(async () => writer.firstAckAfter(since), {
    timeoutMs: 10_000,
    pollMs: 10,
  });
  return cluster;
}

/** The event's first acknowledged write, then Ready again and what was lost. */
async function recovery(
  backend: BenchBackend,
  ref: string,
  writer: RedisAckWriter,
  since: number,
  done: (cluster: ClusterResource) => boolean,
  notOnPort?: number,
): Promise<Trial> {
  const first = await pollUntil(
    async () => writer.firstAckAfter(since, notOnPort),
    { timeoutMs: 60_000, pollMs: 2 },
  );
  const cluster = await pollUntil(
    async () => {
      const current = await backend.get(ref);
      return done(current) ? current : undefined;
    },
    { timeoutMs: 60_000, pollMs: 50 },
  );
  if (!first || !cluster) throw new Error(`${ref}: did not recover in 60 s`);
  return {
    recoveryMs: first.at - since,
    lost: (await writer.missing(cluster)).length,
    controllerMs: cluster.status?.lastFailover?.durationMs,
  };
}

function summary(mode: Mode, failovers: Trial[], switchovers: Trial[]) {
  const recovered = failovers.map(t => t.recoveryMs);
  const switched = switchovers.map(t => t.recoveryMs);
  const lost = (trials: Trial[]) => trials.reduce((n, t) => n + t.lost, 0);
  const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');
  const lines = [
    `${mode}: failover median ${ms(median(recovered), 0)} (target ≤ ${
      TARGETS.failoverMedian
    } ms: ${verdict(median(recovered) <= TARGETS.failoverMedian)}), max ${ms(
      max(recovered),
      0,
    )} (target ≤ ${TARGETS.failoverMax} ms: ${verdict(
      max(recovered) <= TARGETS.failoverMax,
    )}), acknowledged writes lost ${lost(failovers)}`,
  ];
  if (switched.length > 0) {
    lines.push(
      `${mode}: switchover max ${ms(max(switched), 0)} (target ≤ ${
        TARGETS.switchover
      } ms: ${verdict(
        max(switched) <= TARGETS.switchover,
      )}), acknowledged writes lost ${lost(switchovers)}`,
    );
  }
  return lines;
}
