/*
 * yarn bench:placement — the volume placement engine on a large fleet: place
 * 100,000 volumes over 10,000 nodes and report the wall time (median of
 * several runs after a warm-up), what was placed and refused, and how evenly
 * capacity and throughput ended up used.
 *
 *   yarn bench:placement [--nodes N] [--volumes N] [--runs N]
 *
 * Nodes come in four capacity classes; clusters ask for 1–3 replicas of
 * varied sizes and throughputs, from a fixed seed, so every run places the
 * same volumes. The baseline is a naive placement that scans every node for
 * each cluster, timed on a sample and extrapolated.
 */
import { PlacementEngine } from '../src/pools/placement';
import { PlacementRefusedError } from '../src/pools/refusal';
import { NodePool, PlacementRequest, PoolUsage } from '../src/pools/types';
import { median } from './lib/stats';
import { count } from './lib/options';

const NODES = count('nodes', 10_000);
const VOLUMES = count('volumes', 100_000);
const RUNS = count('runs', 7);
const TARGET_MS = 1000;
const BASELINE_SAMPLE = 2_000;
const Gi = 2 ** 30;
const Mi = 2 ** 20;

/** A small, seeded generator (mulberry32), so every run sees the same fleet. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

const pick = <T>(next: () => number, xs: T[]): T =>
  xs[Math.floor(next() * xs.length)];

/** Capacity classes: [share of nodes, capacity, throughput, max volumes]. */
const CLASSES: [number, number, number, number][] = [
  [0.4, 250 * Gi, 250 * Mi, 32],
  [0.3, 500 * Gi, 500 * Mi, 64],
  [0.2, 1024 * Gi, 1024 * Mi, 64],
  [0.1, 4096 * Gi, 2048 * Mi, 128],
];

function fleet(): NodePool[] {
  const next = random(1);
  return Array.from({ length: NODES }, (_, i) => {
    let roll = next();
    const [, capacityBytes, throughputBytesPerSec, maxVolumes] =
      CLASSES.find(([share]) => (roll -= share) < 0) ?? CLASSES[0];
    return {
      node: `node-${String(i).padStart(5, '0')}`,
      pool: 'default',
      path: '/var/lib/basalt/pools/default',
      capacityBytes,
      throughputBytesPerSec,
      iops: 20_000,
      maxVolumes,
      overAllocation: { capacity: 2.0, throughput: 1.5 },
    };
  });
}

function workload(): PlacementRequest[] {
  const next = random(2);
  const requests: PlacementRequest[] = [];
  for (let volumes = 0, i = 0; volumes < VOLUMES; i++) {
    const replicas = Math.min(pick(next, [1, 2, 3, 3]), VOLUMES - volumes);
    requests.push({
      cluster: `team-${i % 97}/db-${i}`,
      pool: 'default',
      count: replicas,
      sizeBytes: pick(next, [5, 10, 20, 20, 50, 100, 200]) * Gi,
      throughputBytesPerSec: pick(next, [0, 10, 25, 50, 100]) * Mi,
    });
    volumes += replicas;
  }
  return requests;
}

interface Outcome {
  ms: number;
  placed: number;
  refused: number;
  engine: PlacementEngine;
}

function placeAll(pools: NodePool[], requests: PlacementRequest[]): Outcome {
  const start = performance.now();
  const engine = PlacementEngine.create({ pools });
  let placed = 0;
  let refused = 0;
  for (const request of requests) {
    try {
      placed += engine.place(request).volumes.length;
    } catch (error) {
      if (!(error instanceof PlacementRefusedError)) throw error;
      refused += request.count;
    }
  }
  return { ms: performance.now() - start, placed, refused, engine };
}

/** The baseline: for each cluster, score every node and take the best. */
function naive(pools: NodePool[], requests: PlacementRequest[]): number {
  const start = performance.now();
  const used = pools.map(() => ({ bytes: 0, tput: 0, volumes: 0 }));
  const holds = pools.map(() => new Set<string>());
  const cap = pools.map(p => p.capacityBytes * p.overAllocation.capacity);
  const tput = pools.map(
    p => p.throughputBytesPerSec * p.overAllocation.throughput,
  );
  for (const r of requests) {
    const scored: [number, number][] = [];
    pools.forEach((p, i) => {
      const u = used[i];
      if (u.volumes >= p.maxVolumes || holds[i].has(r.cluster)) return;
      if (cap[i] - u.bytes < r.sizeBytes) return;
      if (tput[i] - u.tput < r.throughputBytesPerSec) return;
      const score = Math.min(
        (cap[i] - u.bytes) / cap[i],
        (tput[i] - u.tput) / tput[i],
        (p.maxVolumes - u.volumes) / p.maxVolumes,
      );
      scored.push([score, i]);
    });
    if (scored.length < r.count) continue;
    scored.sort((a, b) => b[0] - a[0] || a[1] - b[1]);
    for (const [, i] of scored.slice(0, r.count)) {
      used[i].bytes += r.sizeBytes;
      used[i].tput += r.throughputBytesPerSec;
      used[i].volumes += 1;
      holds[i].add(r.cluster);
    }
  }
  return performance.now() - start;
}

/** Largest over mean utilisation among the nodes in use, and the mean. */
function imbalance(usage: PoolUsage[], share: (u: PoolUsage) => number) {
  const shares = usage.filter(u => u.volumes > 0).map(share);
  const mean = shares.reduce((a, b) => a + b, 0) / shares.length;
  return { mean, max: Math.max(...shares), ratio: Math.max(...shares) / mean };
}

function main() {
  const pools = fleet();
  const requests = workload();
  placeAll(pools, requests); // warm-up
  const runs = Array.from({ length: RUNS }, () => placeAll(pools, requests));
  const ms = median(runs.map(r => r.ms));
  const { placed, refused, engine } = runs[0];
  const usage = engine.usage();
  const capacity = imbalance(usage, u => u.allocatedBytes / u.allocatableBytes);
  const throughput = imbalance(
    usage,
    u => u.allocatedThroughputBytesPerSec / u.allocatableThroughputBytesPerSec,
  );
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const line = (label: string, value: string) =>
    console.log(`${label.padEnd(46)}${value}`);
  line(
    'nodes / volumes requested',
    `${NODES} / ${VOLUMES} (${requests.length} clusters)`,
  );
  line(
    `wall time (median of ${RUNS})`,
    `${ms.toFixed(0)} ms  [${
      ms <= TARGET_MS ? 'pass' : 'FAIL'
    }: target ≤ ${TARGET_MS} ms]`,
  );
  line('runs', `${runs.map(r => r.ms.toFixed(0)).join(' ')} ms`);
  line('volumes placed / refused', `${placed} / ${refused}`);
  line(
    'nodes used',
    `${usage.filter(u => u.volumes > 0).length} of ${usage.length}`,
  );
  line(
    'capacity utilisation max / mean',
    `${pct(capacity.max)} / ${pct(capacity.mean)} = ${capacity.ratio.toFixed(
      3,
    )}`,
  );
  line(
    'throughput utilisation max / mean',
    `${pct(throughput.max)} / ${pct(
      throughput.mean,
    )} = ${throughput.ratio.toFixed(3)}`,
  );
  const sample = requests.slice(
    0,
    Math.floor(requests.length * (BASELINE_SAMPLE / VOLUMES)),
  );
  const sampleMs = naive(pools, sample);
  line(
    `baseline: scan all nodes, ${sample.length} clusters`,
    `${sampleMs.toFixed(0)} ms → ~${(
      (sampleMs * requests.length) /
      sample.length
    ).toFixed(0)} ms for all (extrapolated)`,
  );
}

main();
