/*
 * yarn bench:failover — how long writes through a 3-instance PostgreSQL
 * cluster's read-write endpoint stop after kill -9 of the primary, and how
 * many acknowledged writes are lost, with async and sync replication, under
 * a continuous pgbench load; then the same for planned switchovers when the
 * API offers them. Whatever the controller does on primary loss (restart
 * it, or fail over to a replica) is what gets measured.
 *
 * With `--busy N`, each mode's failovers are measured again while N other
 * clusters do long work — with N ≥ 3 one keeps taking final backups, one
 * keeps restoring a backup, the rest keep cloning replicas, each through
 * volumes throttled to 1 MiB/s — and compared with the quiet ones of the
 * same run.
 *
 *   yarn bench:failover [--trials N] [--switchovers N] [--modes async,sync]
 *                       [--kill postmaster|group] [--busy N]
 *                       [--engine postgresql|redis]
 *
 * `--engine redis` measures 3-instance Redis clusters instead (see redis.ts;
 * `--kill` and `--busy` are PostgreSQL's only).
 */
import { mkdtempSync, rmSync } from 'fs';
import { monitorEventLoopDelay } from 'perf_hooks';
import { tmpdir } from 'os';
import { join } from 'path';
import { BenchBackend, startBenchBackend } from './lib/backend';
import {
  connectionOf,
  haManifest,
  NAMESPACE,
  waitUntilReady,
} from './lib/cluster';
import { PgbenchLoad } from './lib/pgbench';
import { BusyWork } from './lib/busyWork';
import {
  BUSY_FACTOR,
  busyVerdict,
  ModeSummary,
  table,
  TARGETS,
  verdicts,
} from './lib/report';
import { median, ms } from './lib/stats';
import {
  failoverTrial,
  KillMode,
  switchoverTrial,
  SwitchoverUnavailable,
  TrialContext,
  TrialResult,
} from './lib/trials';
import { choice, count, option } from './lib/options';
import { AckWriter } from './lib/writer';
import { benchRedisFailover } from './redis';

type Mode = 'async' | 'sync';

const trials = count('trials', 10);
const switchovers = count('switchovers', trials, 0);
const busy = count('busy', 0, 0);
const kill = choice<KillMode>('kill', ['postmaster', 'group'], 'postmaster');
const modes = (option('modes') ?? 'async,sync').split(',') as Mode[];
if (!modes.length || modes.some(m => m !== 'async' && m !== 'sync')) {
  throw new Error(`--modes: async, sync or async,sync, not '${modes}'`);
}

const engine = choice('engine', ['postgresql', 'redis'], 'postgresql');

const LOAD = { clients: 4, threads: 2 };
const abort = new AbortController();

function describe(
  kind: string,
  index: number,
  planned: number,
  t: TrialResult,
) {
  const moved = t.from === t.to ? `${t.to} again` : `${t.from} → ${t.to}`;
  return (
    `  ${kind} ${index}/${planned}: ${t.event}; first write ${ms(
      t.recoveryMs,
      0,
    )}` +
    ` (write gap ${ms(t.gapMs, 0)}), Ready again ${ms(t.readyMs, 0)},` +
    ` primary ${moved}, lost ${t.lost},` +
    ` lastFailover.durationMs ${ms(t.controllerMs, 0)}`
  );
}

/**
 * Runs up to `planned` trials. A trial that cannot finish (the cluster is
 * not Ready again in time, the endpoint cannot be read) ends the series:
 * the summary keeps the trials before it and says why.
 */
async function runTrials(
  ctx: TrialContext,
  kind: 'failover' | 'switchover',
  mode: Mode,
  planned: number,
): Promise<ModeSummary> {
  const trial = kind === 'failover' ? failoverTrial : switchoverTrial;
  // The backend runs in this process: a blocked event loop delays the
  // controller's failover as much as a busy CPU does.
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  const firstAck = ctx.writer.acks.length;
  const firstTps = ctx.load.tps.length;
  const results: TrialResult[] = [];
  let stopped: string | undefined;
  for (let i = 1; i <= planned; i++) {
    try {
      const result = await trial(ctx);
      results.push(result);
      console.log(describe(kind, i, planned, result));
      result.notes.forEach(note => console.log(`    ${note}`));
      if (kind === 'switchover' && result.recoveryMs === undefined) {
        stopped = 'no write on a new primary within 60 s';
        break;
      }
    } catch (error) {
      if (abort.signal.aborted || error instanceof SwitchoverUnavailable) {
        throw error;
      }
      stopped = `${kind} ${i}/${planned}: ${(error as Error).message}`;
      console.log(`  ${stopped}`);
      break;
    }
  }
  loopDelay.disable();
  console.log(
    `  the backend's event loop was late by up to ${ms(
      loopDelay.max / 1e6,
      0,
    )} (p99 ${ms(loopDelay.percentile(99) / 1e6, 0)}) during these trials`,
  );
  const tps = ctx.load.tps.slice(firstTps).filter(v => v > 0);
  return {
    mode,
    trials: results,
    planned,
    acked: ctx.writer.acks.length - firstAck,
    loadTps: tps.length ? median(tps) : undefined,
    stopped,
  };
}

interface ModeResult {
  failover?: ModeSummary;
  /** The same failovers while `--busy` clusters do long work. */
  busyFailover?: ModeSummary;
  /** How many busy clusters had work running, sampled every second. */
  busySamples?: number[];
  switchover?: ModeSummary;
  /** Why the mode could not run at all (e.g. the cluster never became Ready). */
  failed?: string;
}

let switchoverMissing: string | undefined;

/** One cluster: create it, load it, run the trials, delete it. */
async function runMode(backend: BenchBackend, mode: Mode): Promise<ModeResult> {
  const signal = abort.signal;
  const name = `failover-${mode}`;
  const ref = `${NAMESPACE}/${name}`;
  console.log(`\n${ref}: 3 instances, replication ${mode}, failover automatic`);
  const result: ModeResult = {};
  let writer: AckWriter | undefined;
  let load: PgbenchLoad | undefined;
  try {
    await backend.apply(haManifest(name, mode));
    const cluster = await waitUntilReady(backend, ref, {
      instances: 3,
      timeoutMs: 120_000,
      signal,
    });
    const connection = connectionOf(cluster);
    await AckWriter.createTable(connection);
    load = new PgbenchLoad(connection, LOAD);
    await load.initialize();
    writer = new AckWriter(connection);
    writer.start();
    const ctx: TrialContext = {
      backend,
      ref,
      writer,
      load,
      kill,
      missing: new Set(),
      signal,
    };

    result.failover = await runTrials(ctx, 'failover', mode, trials);
    if (busy > 0 && !result.failover.stopped) {
      console.log(`  ${busy} other clusters start their long work…`);
      const work = await BusyWork.start(backend, busy, signal);
      try {
        result.busyFailover = await runTrials(ctx, 'failover', mode, trials);
      } finally {
        result.busySamples = work.samples;
        await work.stop();
      }
    }
    if (!result.failover.stopped && !switchoverMissing && switchovers > 0) {
      try {
        result.switchover = await runTrials(
          ctx,
          'switchover',
          mode,
          switchovers,
        );
      } catch (error) {
        if (!(error instanceof SwitchoverUnavailable)) throw error;
        switchoverMissing = error.message;
        console.log(`  switchover not available: ${error.message}; skipped`);
      }
    }
  } catch (error) {
    if (abort.signal.aborted) throw error;
    result.failed = (error as Error).message;
    console.log(`  ${ref} failed: ${result.failed}`);
  } finally {
    await writer?.stop().catch(() => {});
    await load?.stop().catch(() => {});
    // When interrupted, stopping the backend kills and removes everything.
    if (!abort.signal.aborted) {
      await backend
        .remove(ref, 30_000)
        .catch(error => console.error(`Could not delete ${ref}: ${error}`));
    }
  }
  return result;
}

function print(results: ModeResult[]): void {
  const failovers = results.flatMap(r => (r.failover ? [r.failover] : []));
  const switched = results.flatMap(r => (r.switchover ? [r.switchover] : []));
  console.log(
    `\nbench:failover — 3-instance PostgreSQL clusters on the local runtime;` +
      ` one client inserting one row at a time through the read-write endpoint` +
      ` (reconnecting every 10 ms on error) beside pgbench -c ${LOAD.clients} -j ${LOAD.threads}`,
  );
  console.log(
    `\nFailover: kill -9 of the primary's ${
      kill === 'group'
        ? 'process group (postmaster and backends)'
        : 'postmaster'
    } → first write acknowledged on a connection opened after it` +
      ` (${trials} trials per mode)`,
  );
  if (failovers.length) {
    table(failovers).forEach(line => console.log(line));
    console.log(
      `Targets: median ≤ ${TARGETS.failoverMedianMs} ms, max ≤ ${TARGETS.failoverMaxMs} ms, 0 lost with sync replication`,
    );
    verdicts('failover', failovers).forEach(line => console.log(line));
  }
  const busyRuns = results.filter(r => r.failover && r.busyFailover);
  if (busyRuns.length) {
    console.log(
      `\nFailover while ${busy} other clusters do long work (${
        busy >= 3 ? 'a final backup, a restore, clones' : 'clones'
      }) on volumes throttled to 1 MiB/s`,
    );
    table(busyRuns.map(r => r.busyFailover!)).forEach(line =>
      console.log(line),
    );
    busyRuns.forEach(r => {
      const samples = r.busySamples ?? [];
      console.log(
        `${busyVerdict(
          r.failover!,
          r.busyFailover!,
        )}   clusters working: median ${
          samples.length ? median(samples) : '—'
        } of ${busy}`,
      );
    });
    console.log(
      `Targets: busy median ≤ ${BUSY_FACTOR} × quiet median (same run), busy max ≤ ${TARGETS.failoverMaxMs} ms`,
    );
  }
  if (switchoverMissing) {
    console.log(
      `\nSwitchover: not available (${switchoverMissing}); not measured`,
    );
  } else if (switched.length) {
    console.log(
      `\nSwitchover: POST …/switchover → first write acknowledged by another server than the old primary`,
    );
    table(switched).forEach(line => console.log(line));
    console.log(`Targets: ≤ ${TARGETS.switchoverMs} ms, 0 lost`);
    verdicts('switchover', switched).forEach(line => console.log(line));
  }
  console.log(
    `\nwrite gap: the longest pause between two acknowledged writes around the event;` +
      ` ready again: event → Ready with 3 ready instances;` +
      ` controller: median status.lastFailover.durationMs (trials that recorded one);` +
      ` load: median pgbench tps while trials ran.`,
  );
  const incomplete = results.flatMap((r, i) => [
    ...(r.failed ? [`${modes[i]}: ${r.failed.split('\n')[0]}`] : []),
    ...[r.failover, r.switchover].flatMap(s =>
      s?.stopped ? [`${s.mode}: stopped at ${s.stopped.split('\n')[0]}`] : [],
    ),
  ]);
  if (incomplete.length) {
    console.log(`\nIncomplete (exit code 1):`);
    incomplete.forEach(line => console.log(`  ${line}`));
    process.exitCode = 1;
  }
}

async function main(): Promise<void> {
  // The busy work's final backups and restores need a repository.
  const scratch = mkdtempSync(join(tmpdir(), 'basalt-bench-backups-'));
  const backend = await startBenchBackend({
    onInterrupt: () => abort.abort(new Error('Interrupted')),
    basalt: {
      backups: {
        repositories: {
          default: { type: 'filesystem', path: join(scratch, 'repository') },
        },
      },
    },
  });
  try {
    const results: ModeResult[] = [];
    for (const mode of modes) results.push(await runMode(backend, mode));
    print(results);
  } finally {
    // Also when interrupted: the same stop as the signal handler's.
    await backend.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

const bench =
  engine === 'redis'
    ? benchRedisFailover({ trials, switchovers, modes })
    : main();

bench.then(
  // The backend's pools and timers would keep the process alive.
  () => process.exit(process.exitCode ?? 0),
  error => {
    console.error(
      abort.signal.aborted ? String(error.message ?? error) : error,
    );
    process.exit(abort.signal.aborted ? 130 : 1);
  },
);
