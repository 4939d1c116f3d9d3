import { max, median, ms, percentile } from './stats';
import { TrialResult } from './trials';

/** Basalt's failover and switchover targets. */
export const TARGETS = {
  failoverMedianMs: 500,
  failoverMaxMs: 1500,
  switchoverMs: 1000,
};

/** What one kind of event (failover or switchover) did in one mode. */
export interface ModeSummary {
  mode: 'async' | 'sync';
  trials: TrialResult[];
  /** Trials asked for (fewer ran when one timed out or the route is missing). */
  planned: number;
  /** Acknowledged writes during these trials. */
  acked: number;
  /** Median pgbench throughput while they ran. */
  loadTps?: number;
  /** Why the series ended before `planned` trials. */
  stopped?: string;
}

const mark = (ok: boolean) => (ok ? 'pass' : 'FAIL');
const col = (text: string | number, width: number) =>
  String(text).padStart(width);

function figures(summary: ModeSummary) {
  const recovered = summary.trials
    .map(t => t.recoveryMs)
    .filter((v): v is number => v !== undefined);
  // A trial without a write in time counts as the worst case.
  const timedOut = summary.trials.length - recovered.length;
  const all = [...recovered, ...Array(timedOut).fill(Infinity)];
  const gaps = summary.trials.flatMap(t =>
    t.gapMs === undefined ? [] : [t.gapMs],
  );
  const controller = summary.trials
    .map(t => t.controllerMs)
    .filter((v): v is number => v !== undefined);
  return {
    timedOut,
    median: all.length ? median(all) : undefined,
    p95: all.length ? percentile(all, 95) : undefined,
    max: all.length ? max(all) : undefined,
    gap: gaps.length ? median(gaps) : undefined,
    ready: all.length ? median(summary.trials.map(t => t.readyMs)) : undefined,
    lost: summary.trials.reduce((sum, t) => sum + t.lost, 0),
    controller: controller.length ? median(controller) : undefined,
    controllerCount: controller.length,
  };
}

/** One line per mode, figures first. */
export function table(summaries: ModeSummary[]): string[] {
  const lines = [
    `mode   trials   median      p95      max  write gap  ready again   acked  lost  controller      load`,
  ];
  for (const s of summaries) {
    const f = figures(s);
    const controller =
      f.controller === undefined
        ? '—'
        : `${f.controller.toFixed(0)} ms (${f.controllerCount}/${
            s.trials.length
          })`;
    lines.push(
      [
        s.mode.padEnd(5),
        col(`${s.trials.length}/${s.planned}`, 7),
        ms(f.median, 8),
        ms(f.p95, 8),
        ms(f.max, 8),
        ms(f.gap, 10),
        ms(f.ready, 12),
        col(s.acked, 7),
        col(f.lost, 5),
        col(controller, 11),
        col(s.loadTps === undefined ? '—' : `${s.loadTps.toFixed(0)} tps`, 9),
      ].join(' '),
    );
  }
  return lines;
}

/** The figures against the targets, with pass/FAIL and median/target. */
export function verdicts(
  kind: 'failover' | 'switchover',
  summaries: ModeSummary[],
): string[] {
  return summaries.map(s => {
    const f = figures(s);
    const [med, top] =
      kind === 'failover'
        ? [TARGETS.failoverMedianMs, TARGETS.failoverMaxMs]
        : [TARGETS.switchoverMs, TARGETS.switchoverMs];
    const parts = [
      `median ${ms(f.median, 0)} ≤ ${med} ms ${mark(
        (f.median ?? Infinity) <= med,
      )} (median/target ${ratio(f.median, med)})`,
      `max ${ms(f.max, 0)} ≤ ${top} ms ${mark((f.max ?? Infinity) <= top)}`,
    ];
    // Zero loss is a target with sync replication and for every switchover.
    parts.push(
      s.mode === 'sync' || kind === 'switchover'
        ? `lost ${f.lost} = 0 ${mark(f.lost === 0)}`
        : `lost ${f.lost} (no target with async replication)`,
    );
    if (f.timedOut)
      parts.push(`${f.timedOut} trial(s) without a write within 60 s`);
    return `${s.mode.padEnd(5)}  ${parts.join('   ')}`;
  });
}

function ratio(value: number | undefined, target: number): string {
  return value === undefined || !Number.isFinite(value)
    ? '—'
    : (value / target).toFixed(2);
}

/** How much slower a failover may be while other clusters do long work. */
export const BUSY_FACTOR = 1.5;

/**
 * The failover with other clusters busy against the quiet one measured in
 * the same run: busy median ≤ 1.5 × quiet median, and busy max ≤ 1.5 s.
 */
export function busyVerdict(quiet: ModeSummary, busy: ModeSummary): string {
  const q = figures(quiet);
  const b = figures(busy);
  const factor = ratioOf(b.median, q.median);
  return [
    `${busy.mode.padEnd(5)}  busy/quiet median ${
      factor === undefined ? '—' : factor.toFixed(2)
    } ≤ ${BUSY_FACTOR} ${mark(factor !== undefined && factor <= BUSY_FACTOR)}`,
    `busy max ${ms(b.max, 0)} ≤ ${TARGETS.failoverMaxMs} ms ${mark(
      (b.max ?? Infinity) <= TARGETS.failoverMaxMs,
    )}`,
  ].join('   ');
}

function ratioOf(
  value: number | undefined,
  base: number | undefined,
): number | undefined {
  return value === undefined || !base || !Number.isFinite(value)
    ? undefined
    : value / base;
}
