import { ClusterResource, FailoverRecord } from '@basalt/plugin-basalt-common';
import { BenchBackend } from './backend';
import {
  connectionOf,
  instancesByPort,
  pidFileOf,
  portOf,
  primaryOf,
  processGroupLedBy,
  runningPid,
  waitUntilReady,
} from './cluster';
import { PgbenchLoad } from './pgbench';
import { pollUntil, sleep } from './time';
import { Ack, AckWriter, missingIds } from './writer';

/** How the primary is killed: its postmaster alone, or its whole process group. */
export type KillMode = 'postmaster' | 'group';

/** One cluster under load, with its measuring writer. */
export interface TrialContext {
  backend: BenchBackend;
  ref: string;
  writer: AckWriter;
  load: PgbenchLoad;
  kill: KillMode;
  /** Acknowledged ids found missing so far (a later trial reports only new ones). */
  missing: Set<number>;
  signal: AbortSignal;
}

export interface TrialResult {
  /** Event → first acknowledged write; `undefined` when none came in time. */
  recoveryMs?: number;
  /** The longest pause between two acknowledged writes around the event. */
  gapMs?: number;
  /** Event → Ready with every instance ready again. */
  readyMs: number;
  /** Acknowledged writes found missing after this trial. */
  lost: number;
  /** `status.lastFailover.durationMs` when the record is of this trial. */
  controllerMs?: number;
  /** What the trial did, e.g. `killed failover-async-0 (pid 1234)`. */
  event: string;
  from: string;
  to: string;
  /** What explains a missing write, lost ones or a doubtful start. */
  notes: string[];
}

const READY_TIMEOUT_MS = 120_000;
const RECOVERY_TIMEOUT_MS = 60_000;
const AGREEMENT_TIMEOUT_MS = 30_000;

const named = (names: Map<number, string>, port: number) =>
  `${names.get(port) ?? 'port'}:${port}`;

/**
 * Waits until the writer's latest writes are committed by the server the
 * status names primary: then the status is current, not one written before
 * the controller noticed the event. `agreed: false` after 30 s.
 */
async function untilStatusAgrees(
  ctx: TrialContext,
): Promise<{ cluster: ClusterResource; agreed: boolean; latest: Ack }> {
  let cluster = await ctx.backend.get(ctx.ref);
  let latest: Ack | undefined;
  const agreed = await pollUntil(
    async () => {
      cluster = await ctx.backend.get(ctx.ref);
      latest = ctx.writer.acks[ctx.writer.acks.length - 1];
      const recent = latest && performance.now() - latest.at < 500;
      return recent && latest.serverPort === portOf(primaryOf(cluster))
        ? true
        : undefined;
    },
    { timeoutMs: AGREEMENT_TIMEOUT_MS, pollMs: 50, signal: ctx.signal },
  );
  if (!latest || performance.now() - latest.at > 10_000) {
    throw new Error(`${ctx.ref}: the writer has not written for 10 s`);
  }
  return { cluster, agreed: agreed ?? false, latest };
}

const disagreement = (
  when: string,
  cluster: ClusterResource,
  latest: Ack,
  names: Map<number, string>,
) =>
  `${when}: the writer's writes went to ${named(
    names,
    latest.serverPort,
  )}, not to the status's primary ${primaryOf(cluster)?.name} (for ${
    AGREEMENT_TIMEOUT_MS / 1000
  } s)`;

/** Ready, load running, and the status agreeing with where writes go. */
async function steadyState(
  ctx: TrialContext,
): Promise<{ cluster: ClusterResource; notes: string[] }> {
  await waitUntilReady(ctx.backend, ctx.ref, {
    instances: 3,
    timeoutMs: READY_TIMEOUT_MS,
    signal: ctx.signal,
  });
  ctx.load.ensureRunning();
  await sleep(1000, ctx.signal);
  const { cluster, agreed, latest } = await untilStatusAgrees(ctx);
  const names = instancesByPort(cluster);
  return {
    cluster,
    notes: agreed ? [] : [disagreement('before', cluster, latest, names)],
  };
}

/** After the event: Ready again, the controller's record, lost writes. */
async function settle(
  ctx: TrialContext,
  event: {
    at: number;
    wallClock: number;
    kind: FailoverRecord['kind'];
    before: ClusterResource;
    first?: Ack;
    notPids: number[];
  },
): Promise<Omit<TrialResult, 'recoveryMs' | 'gapMs' | 'from' | 'event'>> {
  const after = await waitUntilReady(ctx.backend, ctx.ref, {
    instances: 3,
    timeoutMs: READY_TIMEOUT_MS,
    notPids: event.notPids,
    signal: ctx.signal,
  });
  const readyMs = performance.now() - event.at;
  const agreement = await untilStatusAgrees(ctx);
  const names = instancesByPort(event.before, after, agreement.cluster);
  const notes: string[] = [];
  if (!agreement.agreed) {
    notes.push(
      disagreement('after', agreement.cluster, agreement.latest, names),
    );
  }
  const record = agreement.cluster.status?.lastFailover;
  const controllerMs =
    record?.kind === event.kind &&
    Date.parse(record.timestamp) >= event.wallClock
      ? record.durationMs
      : undefined;
  const missing = await missingIds(
    connectionOf(after),
    ctx.writer.ackedIds(),
    ctx.signal,
  );
  const lost = missing.filter(id => !ctx.missing.has(id));
  lost.forEach(id => ctx.missing.add(id));

  if (!event.first) notes.push(describeTimeout(ctx.writer, event.at, names));
  if (lost.length) notes.push(describeLost(ctx.writer, lost, event.at, names));
  // pgbench clients whose connections broke are gone: a fresh run.
  await ctx.load.stop();
  ctx.load.ensureRunning();
  return {
    readyMs,
    lost: lost.length,
    controllerMs,
    to: primaryOf(agreement.cluster)?.name ?? '?',
    notes,
  };
}

/** When and where the lost writes had been acknowledged, relative to the event. */
function describeLost(
  writer: AckWriter,
  lost: number[],
  eventAt: number,
  names: Map<number, string>,
) {
  const byId = new Map(writer.acks.map(ack => [ack.id, ack]));
  const shown = lost.slice(0, 3).map(id => {
    const ack = byId.get(id)!;
    const at = ack.at - eventAt;
    return `${id} (acknowledged ${at >= 0 ? '+' : ''}${at.toFixed(
      0,
    )} ms by ${named(names, ack.serverPort)} on a connection opened ${
      ack.connectedAt < eventAt ? 'before' : 'after'
    } the event)`;
  });
  return `lost ids ${shown.join(', ')}${lost.length > 3 ? ', …' : ''}`;
}

/** Why no write came back, from the writer's errors. */
function describeTimeout(
  writer: AckWriter,
  eventAt: number,
  names: Map<number, string>,
) {
  const until = eventAt + RECOVERY_TIMEOUT_MS;
  const { count, last } = writer.errorsBetween(eventAt, until);
  const onOld = writer.acks.filter(
    a => a.at > eventAt && a.at <= until && a.connectedAt < eventAt,
  );
  const old = onOld.length
    ? `; meanwhile ${onOld.length} writes acknowledged by ${named(
        names,
        onOld[0].serverPort,
      )} on the connection opened before`
    : '';
  return `no write as asked within ${
    RECOVERY_TIMEOUT_MS / 1000
  } s: ${count} errors, the last: ${last ?? 'none'}${old}`;
}

const gapAround = (writer: AckWriter, eventAt: number, first?: Ack) => {
  const before = writer.lastAckBefore(eventAt);
  if (!first || !before) return undefined;
  let gap = 0;
  let previous = before.at;
  for (const ack of writer.acks) {
    if (ack.at <= before.at || ack.at > first.at) continue;
    gap = Math.max(gap, ack.at - previous);
    previous = ack.at;
  }
  return gap;
};

/**
 * kill -9 of the primary's server (found through its pid file), then
 * measures until the first write acknowledged on a connection opened after
 * the kill: a connection that was open before could still be served for a
 * moment by an orphaned backend of the dead postmaster, which is not the
 * cluster accepting writes again.
 */
export async function failoverTrial(ctx: TrialContext): Promise<TrialResult> {
  const { cluster, notes } = await steadyState(ctx);
  const primary = primaryOf(cluster)!;
  const pid = runningPid(pidFileOf(ctx.backend.rootDir, cluster, primary));
  if (!pid) {
    throw new Error(`${ctx.ref}: no running server for ${primary.name}`);
  }
  const group = ctx.kill === 'group' ? processGroupLedBy(pid) : undefined;
  if (ctx.kill === 'group' && group === undefined) {
    throw new Error(
      `${ctx.ref}: ${primary.name} (pid ${pid}) leads no process group`,
    );
  }

  const wallClock = Date.now();
  const killedAt = performance.now();
  process.kill(group === undefined ? pid : -group, 'SIGKILL');

  const first = await ctx.writer.firstAck(a => a.connectedAt >= killedAt, {
    timeoutMs: RECOVERY_TIMEOUT_MS,
    signal: ctx.signal,
  });
  const settled = await settle(ctx, {
    at: killedAt,
    wallClock,
    kind: 'failover',
    before: cluster,
    first,
    notPids: [pid],
  });
  return {
    event: `killed ${primary.name} (${
      group === undefined ? 'pid' : 'process group'
    } ${pid})`,
    recoveryMs: first && first.at - killedAt,
    gapMs: gapAround(ctx.writer, killedAt, first),
    from: primary.name,
    ...settled,
    notes: [...notes, ...settled.notes],
  };
}

/** The switchover route is not there (yet). */
export class SwitchoverUnavailable extends Error {}

/**
 * POST …/switchover, then measures until the first write acknowledged by
 * another server than the old primary (the writer reconnects when its
 * connection breaks or lands on a read-only server).
 */
export async function switchoverTrial(ctx: TrialContext): Promise<TrialResult> {
  const { cluster, notes } = await steadyState(ctx);
  const primary = primaryOf(cluster)!;
  const oldPort = portOf(primary);

  const wallClock = Date.now();
  const requestedAt = performance.now();
  const response = await fetch(`${ctx.backend.api}/${ctx.ref}/switchover`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });
  if (response.status === 404 || response.status === 405) {
    throw new SwitchoverUnavailable(
      `POST ${ctx.ref}/switchover answered ${response.status}`,
    );
  }
  if (response.status !== 202) {
    throw new Error(
      `POST ${ctx.ref}/switchover: ${response.status} ${await response.text()}`,
    );
  }

  const first = await ctx.writer.firstAck(
    a =>
      a.sentAt >= requestedAt &&
      (oldPort ? a.serverPort !== oldPort : a.connectedAt >= requestedAt),
    { timeoutMs: RECOVERY_TIMEOUT_MS, signal: ctx.signal },
  );
  // Done when the controller records it (or gives up waiting for it).
  await pollUntil(
    async () => {
      const record = (await ctx.backend.get(ctx.ref)).status?.lastFailover;
      return record?.kind === 'switchover' &&
        Date.parse(record.timestamp) >= wallClock
        ? record
        : undefined;
    },
    { timeoutMs: RECOVERY_TIMEOUT_MS, pollMs: 50, signal: ctx.signal },
  );
  const settled = await settle(ctx, {
    at: requestedAt,
    wallClock,
    kind: 'switchover',
    before: cluster,
    first,
    notPids: [],
  });
  return {
    event: `switchover requested (primary ${primary.name})`,
    recoveryMs: first && first.at - requestedAt,
    gapMs: gapAround(ctx.writer, requestedAt, first),
    from: primary.name,
    ...settled,
    notes: [...notes, ...settled.notes],
  };
}
