/*
 * yarn bench:k8s-scale — one backend managing 1,000 clusters on the
 * kubernetes runtime against a real kube-apiserver (and etcd): the time of
 * a full resync, the API requests it sends, the backend's CPU and memory,
 * and how long a change takes to reach the runtime through its watches.
 *
 *   BASALT_BENCH_CLUSTERS=100 yarn bench:k8s-scale
 *   NODE_OPTIONS=--expose-gc yarn bench:k8s-scale    (memory after a gc)
 *
 * Environment: BASALT_BENCH_CLUSTERS (default 1000), BASALT_BENCH_RUNS
 * (measured resyncs after a warm-up, default 5), BASALT_BENCH_IDLE_SECONDS
 * (how long the open watches are watched idle, default 35; 0 skips it).
 *
 * There is no kubelet and no PostgreSQL: each cluster's objects (1
 * instance) are created through the API exactly as the runtime leaves them
 * once its instance runs, built with the runtime's own manifest builders,
 * on Nodes that report Ready; each Pod's status is what a kubelet reports
 * for a running, ready engine. A full resync is, for every cluster, what
 * the controller asks of the runtime in each reconcile once the cluster is
 * steady: listInstances, ensureCredentials, ensureEndpoints.
 *
 * The baseline, in the same process against the same objects, is a
 * polling runtime without watches: for every cluster it lists the
 * cluster's Pods, claims, Services and Secrets by label selector straight
 * from the API (plus the Nodes once per resync) and takes the same
 * decisions from them.
 */
import { LoggerService } from '@backstage/backend-plugin-api';
import {
  CoreV1Api,
  KubeConfig,
  V1Node,
  V1PersistentVolumeClaim,
  V1Pod,
  V1Secret,
  V1Service,
} from '@kubernetes/client-node';
import { ClusterKey, EngineAddress } from '@basalt/plugin-basalt-node';
import { POSTGRESQL_IMAGE } from '../src/runtime/kubernetes/__testUtils__/postgresImage';
import { KubernetesRuntime } from '../src/runtime/kubernetes/KubernetesRuntime';
import {
  credentialsIn,
  endpointService,
  READ_ONLY_LABEL,
} from '../src/runtime/kubernetes/manifests/cluster';
import { NODE_ANNOTATION } from '../src/runtime/kubernetes/manifests/volume';
import {
  clusterSelector,
  LABELS,
  ObjectNames,
} from '../src/runtime/kubernetes/names';
import { NamespaceMapping } from '../src/runtime/kubernetes/NamespaceMapping';
import {
  engineContainerRunning,
  engineStarted,
  nodeIsReady,
} from '../src/runtime/kubernetes/podState';
import {
  KUBE_VERSION,
  startTestApiServer,
  TestApiServer,
} from '../src/runtime/kubernetes/__testUtils__/apiServer';
import {
  engineStatusAt,
  mapLimited,
  SEED_REQUESTS_PER_CLUSTER,
  seedCluster,
  SeededCluster,
  seedNodes,
} from './lib/kubeFleet';
import {
  childCpuMs,
  countsSince,
  CountingKubeConfig,
  describeCounts,
  RequestCounts,
  serverRequestCounts,
  totalOf,
} from './lib/kubeRequests';
import { max, median } from './lib/stats';
import { pollUntil, sleep } from './lib/time';

function setting(name: string, fallback: number, min: number): number {
  const value = process.env[name] ?? String(fallback);
  if (!/^\d+$/.test(value) || Number(value) < min)
    throw new Error(`${name}: a whole number ≥ ${min}, not '${value}'`);
  return Number(value);
}

const CLUSTERS = setting('BASALT_BENCH_CLUSTERS', 1000, 1);
const RUNS = setting('BASALT_BENCH_RUNS', 5, 1);
const IDLE_MS = setting('BASALT_BENCH_IDLE_SECONDS', 35, 0) * 1000;
const NODES = 50;
/** Clusters seeded at once (each one's requests one after the other). */
const SEED_CONCURRENCY = 20;
/** Clusters reconciled at once: the controller's default concurrency. */
const RESYNC_CONCURRENCY = 4;
const LATENCY_TRIALS = 5;
/**
 * The baseline's cost grows with the clusters squared (each list reads
 * the whole namespace from etcd): beyond this many clusters it runs on an
 * evenly spread sample, and its figures are scaled to all of them.
 */
const BASELINE_SAMPLE = 100;
const BASELINE_RUNS = Math.min(RUNS, 3);
const KUBE_NAMESPACE = 'basalt';
const MB = 2 ** 20;

const gc = (globalThis as { gc?: () => void }).gc;

/** What one resync of every cluster found (the same for both sides). */
interface Seen {
  running: number;
  readWrite: number;
  readOnly: number;
  /** Writes the baseline would have made (the runtime makes its own). */
  changes: number;
}

/** What one measured window cost. */
interface Cost {
  ms: number;
  cpuMs: number;
  client: RequestCounts;
  server: RequestCounts;
  /** CPU of the API server and etcd, by process name. */
  controlPlaneCpuMs: Record<string, number>;
}

interface Memory {
  rss: number;
  heapUsed: number;
}

function memory(): Memory {
  // Twice: objects freed by finalizers in the first go in the second.
  gc?.();
  gc?.();
  const { rss, heapUsed } = process.memoryUsage();
  return { rss, heapUsed };
}

/** A logger for the runtime that keeps its warnings for the report. */
function benchLogger(warnings: string[]): LoggerService {
  const logger: LoggerService = {
    error: (message, meta) => {
      warnings.push(`error: ${message}${meta ? ` ${String(meta)}` : ''}`);
    },
    warn: message => {
      warnings.push(message);
    },
    info: () => {},
    debug: () => {},
    child: () => logger,
  };
  return logger;
}

/** Measures `fn`: wall time, this process's CPU, requests on both ends. */
async function measure<T>(
  apiServer: TestApiServer,
  client: CountingKubeConfig,
  fn: () => Promise<T>,
): Promise<{ value: T; cost: Cost }> {
  const serverBefore = await serverRequestCounts(apiServer);
  const clientBefore = client.snapshot();
  const childrenBefore = childCpuMs();
  const cpuBefore = process.cpuUsage();
  const start = performance.now();
  const value = await fn();
  const ms = performance.now() - start;
  const cpu = process.cpuUsage(cpuBefore);
  const childrenAfter = childCpuMs();
  const clientAfter = client.snapshot();
  const serverAfter = await serverRequestCounts(apiServer);
  return {
    value,
    cost: {
      ms,
      cpuMs: (cpu.user + cpu.system) / 1000,
      client: countsSince(clientBefore, clientAfter),
      server: countsSince(serverBefore, serverAfter),
      controlPlaneCpuMs: Object.fromEntries(
        Object.entries(childrenAfter).map(([name, cpuMs]) => [
          name,
          cpuMs - (childrenBefore[name] ?? 0),
        ]),
      ),
    },
  };
}

/** Every cluster, RESYNC_CONCURRENCY at a time, summed. */
async function resyncAll(
  clusters: SeededCluster[],
  reconcile: (cluster: SeededCluster) => Promise<Seen>,
): Promise<Seen> {
  const seen = await mapLimited(clusters, RESYNC_CONCURRENCY, reconcile);
  return seen.reduce(
    (sum, s) => ({
      running: sum.running + s.running,
      readWrite: sum.readWrite + s.readWrite,
      readOnly: sum.readOnly + s.readOnly,
      changes: sum.changes + s.changes,
    }),
    { running: 0, readWrite: 0, readOnly: 0, changes: 0 },
  );
}

/** What the controller asks of the runtime for a steady cluster. */
async function reconcileBasalt(
  runtime: KubernetesRuntime,
  key: ClusterKey,
): Promise<Seen> {
  const instances = await runtime.listInstances(key);
  await runtime.ensureCredentials(key, []);
  const primary = instances.find(instance => instance.running)?.address;
  const endpoints = await runtime.ensureEndpoints(key, {
    readWrite: primary,
    readOnly: primary ? [primary] : [],
  });
  return {
    running: instances.filter(instance => instance.running).length,
    readWrite: endpoints.readWrite ? 1 : 0,
    readOnly: endpoints.readOnly ? 1 : 0,
    changes: 0,
  };
}

/**
 * The same decisions from what a polling runtime reads for the cluster:
 * its Pods, claims, Services and Secrets, listed by label selector (no
 * resourceVersion, as client-node lists by default), and the Nodes read
 * once per resync.
 */
async function reconcilePolling(
  core: CoreV1Api,
  key: ClusterKey,
  nodes: Map<string, V1Node>,
): Promise<Seen> {
  const namespace = KUBE_NAMESPACE;
  const labelSelector = clusterSelector(key);
  const [pods, claims, services, secrets] = await Promise.all([
    core.listNamespacedPod({ namespace, labelSelector }),
    core.listNamespacedPersistentVolumeClaim({ namespace, labelSelector }),
    core.listNamespacedService({ namespace, labelSelector }),
    core.listNamespacedSecret({ namespace, labelSelector }),
  ]);
  return decide(
    key,
    nodes,
    pods.items,
    claims.items,
    services.items,
    secrets.items,
  );
}

function decide(
  key: ClusterKey,
  nodes: Map<string, V1Node>,
  pods: V1Pod[],
  claims: V1PersistentVolumeClaim[],
  services: V1Service[],
  secrets: V1Secret[],
): Seen {
  const names = new ObjectNames(key);
  const port = POSTGRESQL_IMAGE.port;
  // listInstances
  const instances = claims.flatMap(claim => {
    const instance = claim.metadata?.labels?.[LABELS.instance];
    if (!instance) return [];
    const pod = pods.find(p => p.metadata?.name === names.pod(instance));
    const node = claim.metadata?.annotations?.[NODE_ANNOTATION] ?? '';
    const running =
      nodeIsReady(nodes.get(node)) &&
      pod !== undefined &&
      engineContainerRunning(pod) &&
      engineStarted(pod);
    const address: EngineAddress | undefined = pod?.status?.podIP
      ? { host: pod.status.podIP, port }
      : undefined;
    return [{ pod, running, address }];
  });
  // ensureCredentials
  const secret = secrets.find(
    s => s.metadata?.name === names.credentialsSecret,
  );
  // Without them, a polling runtime would create the Secret.
  let changes = credentialsIn(secret) ? 0 : 1;
  // ensureEndpoints
  const primary = instances.find(instance => instance.running)?.address;
  for (const { pod, address } of instances) {
    if (!pod || !address) continue;
    const isPrimary =
      primary?.host === address.host && primary.port === address.port;
    const labels = pod.metadata?.labels ?? {};
    if (
      labels[LABELS.role] !== (isPrimary ? 'primary' : 'replica') ||
      (labels[READ_ONLY_LABEL] ?? null) !== (isPrimary ? 'true' : null)
    ) {
      changes++;
    }
  }
  const owner = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    name: names.configMap,
    uid: '',
  };
  for (const kind of ['rw', 'ro'] as const) {
    const wanted = endpointService({
      cluster: key,
      kubeNamespace: KUBE_NAMESPACE,
      kind,
      port,
      owner,
    });
    const existing = services.find(
      s => s.metadata?.name === wanted.metadata!.name,
    );
    if (
      JSON.stringify(existing?.spec?.selector) !==
      JSON.stringify(wanted.spec!.selector)
    ) {
      changes++;
    }
  }
  return {
    running: instances.filter(instance => instance.running).length,
    readWrite: primary ? 1 : 0,
    readOnly: primary ? 1 : 0,
    changes,
  };
}

/** A warm-up, then `runs` measured resyncs. */
async function resyncs(
  apiServer: TestApiServer,
  client: CountingKubeConfig,
  options: {
    runs: number;
    resync: () => Promise<Seen>;
    warmUp: () => Promise<unknown>;
  },
): Promise<{ seen: Seen; costs: Cost[]; memoryAfter: Memory }> {
  await options.warmUp();
  let seen: Seen | undefined;
  const costs: Cost[] = [];
  for (let run = 0; run < options.runs; run++) {
    const measured = await measure(apiServer, client, options.resync);
    seen = measured.value;
    costs.push(measured.cost);
  }
  return { seen: seen!, costs, memoryAfter: memory() };
}

/** Requests scaled by `factor`, but for those made once per resync. */
function scaleCounts(counts: RequestCounts, factor: number): RequestCounts {
  return new Map(
    [...counts].map(([kind, count]) => [
      kind,
      kind === 'LIST nodes' ? count : Math.round(count * factor),
    ]),
  );
}

/** A sample's cost as that of all clusters. */
function scaleCost(cost: Cost, factor: number): Cost {
  return {
    ms: cost.ms * factor,
    cpuMs: cost.cpuMs * factor,
    client: scaleCounts(cost.client, factor),
    server: scaleCounts(cost.server, factor),
    controlPlaneCpuMs: Object.fromEntries(
      Object.entries(cost.controlPlaneCpuMs).map(([name, value]) => [
        name,
        value * factor,
      ]),
    ),
  };
}

interface Exit {
  /** Status write sent → acknowledged. */
  ackMs: number;
  /** Status write sent → listInstances says the instance is not running. */
  seenMs: number;
  /** Status write sent → the runtime's instance-exited event. */
  eventMs?: number;
}

/**
 * Writes the Pod's status as a kubelet would once its engine exited (not
 * `running`) or was restarted (`running`), and resolves once the runtime
 * sees `running`.
 */
async function writeStatus(
  runtime: KubernetesRuntime,
  core: CoreV1Api,
  cluster: SeededCluster,
  running: boolean,
): Promise<Exit> {
  const pod = await core.readNamespacedPod({
    namespace: KUBE_NAMESPACE,
    name: cluster.pod,
  });
  let eventAt: number | undefined;
  const unsubscribe = runtime.subscribe(event => {
    if (event.cluster.uid === cluster.key.uid && eventAt === undefined) {
      eventAt = performance.now();
    }
  });
  try {
    const start = performance.now();
    await core.replaceNamespacedPodStatus({
      namespace: KUBE_NAMESPACE,
      name: cluster.pod,
      body: { ...pod, status: engineStatusAt(pod, new Date(), running) },
    });
    const ackMs = performance.now() - start;
    const seenMs = await pollUntil(
      async () => {
        const [instance] = await runtime.listInstances(cluster.key);
        return instance && instance.running === running
          ? performance.now() - start
          : undefined;
      },
      // 30 s from sending the write.
      { timeoutMs: start + 30_000 - performance.now(), pollMs: 1 },
    );
    if (seenMs === undefined) {
      throw new Error(`${cluster.pod}: not seen running=${running} in 30 s`);
    }
    // The event, when there is one, comes with the same watch event.
    if (!running) {
      await pollUntil(() => (eventAt === undefined ? undefined : true), {
        timeoutMs: 1_000,
        pollMs: 10,
      });
    }
    return {
      ackMs,
      seenMs,
      eventMs: eventAt === undefined ? undefined : eventAt - start,
    };
  } finally {
    unsubscribe();
  }
}

/**
 * The engine of one cluster's Pod exits (its status written as the kubelet
 * would), is restarted, and exits again: how long until the runtime's
 * listInstances shows it not running, and until the runtime reports the
 * instance exited, each time.
 */
async function exitTrial(
  runtime: KubernetesRuntime,
  core: CoreV1Api,
  cluster: SeededCluster,
): Promise<{ first: Exit; second: Exit }> {
  const first = await writeStatus(runtime, core, cluster, false);
  await writeStatus(runtime, core, cluster, true);
  const second = await writeStatus(runtime, core, cluster, false);
  return { first, second };
}

async function main() {
  const warnings: string[] = [];
  let apiServer: TestApiServer | undefined;
  let runtime: KubernetesRuntime | undefined;
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      await runtime?.stop().catch(error => console.error(error));
      await apiServer?.stop();
    })();
    return stopping;
  };
  const onSignal = (signal: NodeJS.Signals) => {
    console.error(`\n${signal}: stopping the API server…`);
    stop().finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const progress = (text: string) => console.error(`[k8s-scale] ${text}`);

  try {
    let start = performance.now();
    apiServer = await startTestApiServer();
    const apiServerStartMs = performance.now() - start;
    progress(`API server ready in ${(apiServerStartMs / 1000).toFixed(1)} s`);
    const admin: KubeConfig = apiServer.kubeConfig();
    const adminCore = admin.makeApiClient(CoreV1Api);

    // Seeding.
    start = performance.now();
    await adminCore.createNamespace({
      body: { metadata: { name: KUBE_NAMESPACE } },
    });
    const nodes = await seedNodes(admin, NODES);
    const serviceIPs = { exhausted: false, headless: 0 };
    let done = 0;
    const clusters = await mapLimited(
      Array.from({ length: CLUSTERS }, (_, i) => i),
      SEED_CONCURRENCY,
      async index => {
        const seeded = await seedCluster(adminCore, {
          index,
          kubeNamespace: KUBE_NAMESPACE,
          node: nodes[index % nodes.length],
          serviceIPs,
        });
        if (++done % Math.max(1, Math.floor(CLUSTERS / 10)) === 0) {
          progress(
            `seeded ${done}/${CLUSTERS} clusters (${(
              (performance.now() - start) /
              1000
            ).toFixed(1)} s)`,
          );
        }
        return seeded;
      },
    );
    const seedMs = performance.now() - start;
    const seedRequests = 1 + 2 * NODES + SEED_REQUESTS_PER_CLUSTER * CLUSTERS;

    // Baseline: polling, no watches.
    progress('baseline: polling resyncs');
    const polling = CountingKubeConfig.of(admin);
    const pollingCore = polling.makeApiClient(CoreV1Api);
    const sample =
      CLUSTERS <= BASELINE_SAMPLE
        ? clusters
        : Array.from(
            { length: BASELINE_SAMPLE },
            (_, i) => clusters[Math.floor((i * CLUSTERS) / BASELINE_SAMPLE)],
          );
    const poll = (subset: SeededCluster[]) => async () => {
      const nodeList = await pollingCore.listNode();
      const byName = new Map(
        nodeList.items.map(node => [node.metadata!.name!, node]),
      );
      return resyncAll(subset, cluster =>
        reconcilePolling(pollingCore, cluster.key, byName),
      );
    };
    const polled = await resyncs(apiServer, polling, {
      runs: BASELINE_RUNS,
      resync: poll(sample),
      warmUp: poll(sample.slice(0, 10)),
    });
    const baseline = {
      ...polled,
      sample: sample.length,
      costs: polled.costs.map(cost =>
        scaleCost(cost, CLUSTERS / sample.length),
      ),
    };

    // Basalt: the kubernetes runtime, everything read from watches.
    progress('Basalt: runtime start (list + watch)');
    const counting = CountingKubeConfig.of(admin);
    const memoryBefore = memory();
    const started = await measure(apiServer, counting, () =>
      KubernetesRuntime.create({
        kubeConfig: counting,
        namespaces: new NamespaceMapping(KUBE_NAMESPACE),
        access: 'podNetwork',
        images: { postgresql: POSTGRESQL_IMAGE },
        logger: benchLogger(warnings),
        podStartTimeoutMs: 60_000,
      }),
    );
    runtime = started.value;
    const memoryStarted = memory();
    const readyNodes = (await runtime.listNodes()).filter(n => n.ready).length;
    progress('Basalt: resyncs');
    const live = runtime;
    const resyncBasalt = () =>
      resyncAll(clusters, cluster => reconcileBasalt(live, cluster.key));
    const basalt = await resyncs(apiServer, counting, {
      runs: RUNS,
      resync: resyncBasalt,
      warmUp: resyncBasalt,
    });

    let idle: Cost | undefined;
    if (IDLE_MS > 0) {
      progress(`idle ${IDLE_MS / 1000} s with the watches open`);
      idle = (await measure(apiServer, counting, () => sleep(IDLE_MS))).cost;
    }

    progress('watch-driven change: engine exits');
    const trials: { first: Exit; second: Exit }[] = [];
    const trialCount = Math.min(LATENCY_TRIALS, CLUSTERS);
    for (let i = 0; i < trialCount; i++) {
      const cluster = clusters[Math.floor(((i + 0.5) * CLUSTERS) / trialCount)];
      trials.push(await exitTrial(runtime, adminCore, cluster));
    }

    report({
      apiServerStartMs,
      seedMs,
      seedRequests,
      headlessServices: serviceIPs.headless,
      readyNodes,
      memoryBefore,
      memoryStarted,
      baseline,
      basalt,
      start: started.cost,
      idle,
      trials,
      warnings,
    });
  } finally {
    await stop();
  }
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const ms = (value: number) =>
  value >= 10_000 ? `${(value / 1000).toFixed(1)} s` : `${value.toFixed(0)} ms`;
const mb = (bytes: number) => `${(bytes / MB).toFixed(1)} MiB`;
const ratio = (a: number, b: number) =>
  b === 0 ? '—' : (a / b).toFixed(a / b < 0.01 && a > 0 ? 4 : 3);

/**
 * The median of each figure, each taken on its own (they need not come
 * from the same run; {@link describeCpu} picks the median run).
 */
function medians(costs: Cost[]) {
  const controlPlane = (c: Cost) => sum(Object.values(c.controlPlaneCpuMs));
  return {
    ms: median(costs.map(c => c.ms)),
    cpuMs: median(costs.map(c => c.cpuMs)),
    client: median(costs.map(c => totalOf(c.client))),
    server: median(costs.map(c => totalOf(c.server))),
    controlPlaneMs: median(costs.map(controlPlane)),
  };
}

function report(r: {
  apiServerStartMs: number;
  seedMs: number;
  seedRequests: number;
  headlessServices: number;
  readyNodes: number;
  memoryBefore: Memory;
  memoryStarted: Memory;
  baseline: Awaited<ReturnType<typeof resyncs>> & { sample: number };
  basalt: Awaited<ReturnType<typeof resyncs>>;
  start: Cost;
  idle?: Cost;
  trials: { first: Exit; second: Exit }[];
  warnings: string[];
}) {
  const base = medians(r.baseline.costs);
  const ours = medians(r.basalt.costs);
  const line = (label: string, b: string, p: string, q = '') =>
    console.log(
      `${label.padEnd(40)}${b.padStart(14)}${p.padStart(16)}${q.padStart(16)}`,
    );
  /** A row of both sides' figures and their ratio. */
  const compare = (
    label: string,
    a: number,
    b: number,
    format: (value: number) => string,
  ) => line(label, format(a), format(b), ratio(a, b));
  const seen = (s: Seen, of: number) =>
    `${s.running}/${of} running, ${s.readWrite} rw + ${s.readOnly} ro endpoints`;

  console.log(
    `\nbench:k8s-scale — ${CLUSTERS} clusters of 1 instance on ${NODES} Nodes, one backend;` +
      ` kube-apiserver ${KUBE_VERSION} + etcd on this host; resync ${RESYNC_CONCURRENCY} clusters at a time` +
      ` (the controller's default); medians of ${RUNS} resyncs (Basalt) and ${BASELINE_RUNS} (baseline) after a warm-up` +
      `; memory ${
        gc
          ? 'after a gc'
          : 'without a gc (run with NODE_OPTIONS=--expose-gc for one)'
      }`,
  );
  const rate = r.seedRequests / (r.seedMs / 1000);
  const headless = r.headlessServices
    ? `; ${r.headlessServices} of ${
        2 * CLUSTERS
      } Services headless (the /24 Service range was full)`
    : '';
  console.log(
    `API server start ${ms(r.apiServerStartMs)}; seeding ${ms(r.seedMs)}` +
      ` (${r.seedRequests} requests, ${rate.toFixed(0)}/s,` +
      ` ${SEED_CONCURRENCY} clusters at a time)${headless}`,
  );
  if (r.baseline.sample < CLUSTERS) {
    console.log(
      `baseline timed on ${r.baseline.sample} clusters spread over all ${CLUSTERS}` +
        ` (every list still reads the whole namespace) and scaled by ${CLUSTERS}/${r.baseline.sample}` +
        ` (its Nodes list, once per resync, not scaled)`,
    );
  }
  console.log('');
  line('', 'Basalt', 'baseline', 'Basalt/base');
  line('', '(watches)', '(polling)', '');
  compare('full resync, wall time', ours.ms, base.ms, ms);
  line(
    '  per cluster',
    `${(ours.ms / CLUSTERS).toFixed(3)} ms`,
    `${(base.ms / CLUSTERS).toFixed(3)} ms`,
  );
  compare(
    'API requests per resync (backend)',
    ours.client,
    base.client,
    String,
  );
  compare(
    'API requests per resync (API server)',
    ours.server,
    base.server,
    String,
  );
  compare('backend CPU per resync', ours.cpuMs, base.cpuMs, ms);
  compare(
    'API server + etcd CPU per resync',
    ours.controlPlaneMs,
    base.controlPlaneMs,
    ms,
  );
  compare(
    'backend heap used after resyncs',
    r.basalt.memoryAfter.heapUsed,
    r.baseline.memoryAfter.heapUsed,
    mb,
  );
  line(
    "  of it the runtime's caches",
    `+${mb(r.memoryStarted.heapUsed - r.memoryBefore.heapUsed)}`,
    '—',
  );
  compare(
    'backend RSS after resyncs',
    r.basalt.memoryAfter.rss,
    r.baseline.memoryAfter.rss,
    mb,
  );
  console.log('');
  console.log(
    `runs (wall time): Basalt ${r.basalt.costs.map(c => ms(c.ms)).join(' ')};` +
      ` baseline ${r.baseline.costs.map(c => ms(c.ms)).join(' ')}`,
  );
  console.log(
    `requests per resync, backend's count: Basalt ${describeCounts(
      r.basalt.costs[0].client,
    )}; baseline ${describeCounts(r.baseline.costs[0].client)}`,
  );
  console.log(
    `requests per resync, API server's apiserver_request_total: Basalt ${describeCounts(
      r.basalt.costs[0].server,
    )}; baseline ${describeCounts(r.baseline.costs[0].server)}`,
  );
  console.log(
    `control-plane CPU per resync (median run): Basalt ${describeCpu(
      r.basalt.costs,
    )}; baseline ${describeCpu(r.baseline.costs)}`,
  );
  console.log(
    `what each side saw: Basalt ${seen(
      r.basalt.seen,
      CLUSTERS,
    )}; baseline ${seen(r.baseline.seen, r.baseline.sample)}, ${
      r.baseline.seen.changes
    } writes it would make`,
  );
  console.log('');
  console.log(
    `runtime start (list + watch of everything, caches filled): ${ms(
      r.start.ms,
    )},` +
      ` backend CPU ${ms(r.start.cpuMs)}; requests: backend ${describeCounts(
        r.start.client,
      )}; API server ${describeCounts(
        r.start.server,
      )} (a watch counts there when it ends);` +
      ` ${r.readyNodes}/${NODES} Nodes ready in its cache`,
  );
  console.log(
    `backend memory: before the runtime heap ${mb(
      r.memoryBefore.heapUsed,
    )}, RSS ${mb(r.memoryBefore.rss)}; with its caches filled heap ${mb(
      r.memoryStarted.heapUsed,
    )} (+${mb(r.memoryStarted.heapUsed - r.memoryBefore.heapUsed)}), RSS ${mb(
      r.memoryStarted.rss,
    )}; after the resyncs heap ${mb(r.basalt.memoryAfter.heapUsed)}, RSS ${mb(
      r.basalt.memoryAfter.rss,
    )}`,
  );
  if (r.idle) {
    console.log(
      `idle ${ms(r.idle.ms)} with the watches open: backend ${describeCounts(
        r.idle.client,
      )} requests, API server ${describeCounts(
        r.idle.server,
      )}; backend CPU ${ms(r.idle.cpuMs)}`,
    );
  }
  const exits = (label: string, list: Exit[]) => {
    const seenMs = list.map(t => t.seenMs);
    const events = list.flatMap(t =>
      t.eventMs === undefined ? [] : [t.eventMs],
    );
    return (
      `${label}: write acknowledged median ${ms(
        median(list.map(t => t.ackMs)),
      )},` +
      ` listInstances shows it not running median ${ms(
        median(seenMs),
      )} (max ${ms(max(seenMs))}),` +
      ` instance-exited event ${
        events.length
          ? `median ${ms(median(events))} (${events.length}/${list.length})`
          : `none (0/${list.length})`
      }`
    );
  };
  console.log(
    `watch-driven change: an engine exits (its Pod's status written as a kubelet would), ${r.trials.length} Pods, times from sending the write;`,
  );
  console.log(
    `  ${exits(
      'first exit since the runtime started',
      r.trials.map(t => t.first),
    )}`,
  );
  console.log(
    `  ${exits(
      'after a restart, the next exit',
      r.trials.map(t => t.second),
    )}`,
  );
  if (r.warnings.length) {
    console.log(
      `runtime warnings: ${r.warnings.length}, e.g. ${r.warnings
        .slice(0, 3)
        .join(' | ')}`,
    );
  }
  if (
    r.basalt.seen.running !== CLUSTERS ||
    r.baseline.seen.running !== r.baseline.sample ||
    r.baseline.seen.readWrite !== r.baseline.sample
  ) {
    console.log(
      'WARNING: not every cluster was seen running with its endpoints',
    );
  }
}

/** `kube-apiserver 812 ms, etcd 120 ms` of the median run by wall time. */
function describeCpu(costs: Cost[]): string {
  const sorted = [...costs].sort((a, b) => a.ms - b.ms);
  const run = sorted[Math.floor(sorted.length / 2)];
  const parts = Object.entries(run.controlPlaneCpuMs).filter(
    ([name]) => name === 'kube-apiserver' || name === 'etcd',
  );
  return parts.length
    ? parts.map(([name, value]) => `${name} ${ms(value)}`).join(', ')
    : '— (no /proc)';
}

main().catch(error => {
  console.error(error);
  process.exitCode = 1;
});
