/*
 * yarn bench:idle — what idle clusters cost: N replicated 3-instance
 * clusters, settled and Ready, are left alone for a window with the
 * controller at its production settings (10 s resync, the primary of each
 * probed every 250 ms); then the backend is stopped and the same engines are
 * measured alone for the same window, in the same run. The difference is the
 * controller's cost, in % of one core per cluster.
 *
 *   yarn bench:idle [--clusters N] [--window SECONDS]
 */
import { startBenchBackend } from './lib/backend';
import { haManifest, NAMESPACE, waitUntilReady } from './lib/cluster';
import { engineCpuSeconds, ownCpuSeconds } from './lib/cpuTime';
import { count } from './lib/options';
import { sleep } from './lib/time';

/** What an idle replicated cluster may cost the machine, in % of a core. */
const TARGET_PERCENT_PER_CLUSTER = 0.3;

const clusters = count('clusters', 10);
const windowSeconds = count('window', 60);

/** CPU seconds used by the engines and by this process over the window. */
async function measure(rootDir: string, abort: AbortSignal) {
  const engines = engineCpuSeconds(rootDir);
  const own = ownCpuSeconds();
  await sleep(windowSeconds * 1000, abort);
  return {
    engines: engineCpuSeconds(rootDir) - engines,
    backend: ownCpuSeconds() - own,
  };
}

const percentOfCore = (cpuSeconds: number) =>
  ((cpuSeconds / windowSeconds) * 100) / clusters;

async function main() {
  const abort = new AbortController();
  // Production's controller settings: the default resync and probes.
  const backend = await startBenchBackend({
    controller: {},
    onInterrupt: () => abort.abort(new Error('interrupted')),
  });
  try {
    const names = Array.from({ length: clusters }, (_, i) => `idle-${i}`);
    for (const name of names) await backend.apply(haManifest(name, 'async'));
    for (const name of names) {
      await waitUntilReady(backend, `${NAMESPACE}/${name}`, {
        instances: 3,
        timeoutMs: 60_000 + clusters * 20_000,
        signal: abort.signal,
      });
    }
    console.log(
      `${clusters} clusters Ready; measuring ${windowSeconds} s with the controller, then ${windowSeconds} s without`,
    );
    const controlled = await measure(backend.rootDir, abort.signal);
    await backend.stopBackend();
    const alone = await measure(backend.rootDir, abort.signal);

    const cost = controlled.engines + controlled.backend - alone.engines;
    const perCluster = percentOfCore(cost);
    console.log(
      `\nbench:idle — ${clusters} idle 3-instance clusters, ${windowSeconds} s each way, % of one core per cluster`,
    );
    console.log(
      `with the controller   engines ${percentOfCore(
        controlled.engines,
      ).toFixed(3)} %   backend ${percentOfCore(controlled.backend).toFixed(
        3,
      )} %`,
    );
    console.log(
      `engines alone         engines ${percentOfCore(alone.engines).toFixed(
        3,
      )} %`,
    );
    console.log(
      `controller's cost     ${perCluster.toFixed(3)} % per cluster (${(
        (cost / windowSeconds) *
        100
      ).toFixed(
        1,
      )} % of a core for all ${clusters}); target ≤ ${TARGET_PERCENT_PER_CLUSTER} %: ${
        perCluster <= TARGET_PERCENT_PER_CLUSTER ? 'met' : 'NOT met'
      }`,
    );
  } finally {
    await backend.stop();
  }
}

main().then(
  // The backend's pools and timers would keep the process alive.
  () => process.exit(0),
  error => {
    console.error(error);
    process.exit(1);
  },
);
