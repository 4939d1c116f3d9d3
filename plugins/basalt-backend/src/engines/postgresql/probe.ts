import {
  EngineAddress,
  InstanceProbe,
  ProbeSession,
} from '@basalt/plugin-basalt-node';
import { Client } from 'pg';
import { connect, Login, Timeouts, withClient } from './connection';
import { postmasterAnswers } from './postmasterAnswers';

/** What one probe asks: the role, the lag to replay and the WAL position. */
const PROBE_QUERY = `select pg_is_in_recovery() as recovery,
       pg_wal_lsn_diff(pg_last_wal_receive_lsn(),
                       pg_last_wal_replay_lsn())::text as lag,
       (case when pg_is_in_recovery()
             then coalesce(pg_last_wal_receive_lsn(),
                           pg_last_wal_replay_lsn())
             else pg_current_wal_lsn() end)::text as position`;

interface ProbeRow {
  recovery: boolean;
  lag: string | null;
  position: string | null;
}

/**
 * Probes per check of the postmaster. A server process answers on a kept
 * connection even while the postmaster is stopped or stuck (each runs in a
 * session of its own): every so many probes the session also asks the
 * postmaster itself to answer a new connection ({@link postmasterAnswers}).
 * That costs the server a fork (some 20 ms of CPU here, much as a login),
 * so it is rare (every 30 s at the monitor's default 250 ms): a runtime
 * that sees processes (`Runtime.stalledProcess`) tells a stopped server at
 * every probe for nothing, and this is the backstop where none does.
 */
export const PROBES_PER_POSTMASTER_CHECK = 120;

/** The application name of a probe session's connection. */
export const PROBE_SESSION_APPLICATION = 'basalt-probe';

/**
 * Connects as the superuser and asks for the instance's role and, on a
 * replica, the WAL it has received but not yet replayed. An instance that
 * cannot be reached or queried is reported not ready, with why; this never
 * throws.
 */
export async function probeInstance(
  address: EngineAddress,
  superuser: Login,
  timeouts: Timeouts,
): Promise<InstanceProbe> {
  try {
    const row = await withClient(address, superuser, timeouts, queryProbe);
    return probeOf(row);
  } catch (error) {
    return notReady(error);
  }
}

/**
 * Probes one instance over a connection it keeps between probes: a watched
 * primary is probed several times a second, and a new login each time
 * would cost the server a process and the machine its CPU. Every
 * {@link PROBES_PER_POSTMASTER_CHECK} probes it also checks that the
 * postmaster answers, which the kept connection cannot tell.
 */
export class PostgresProbeSession implements ProbeSession {
  #client?: Client;
  #closed = false;
  #probes = 0;

  constructor(
    private readonly address: EngineAddress,
    private readonly superuser: Login,
    private readonly timeoutMs: number,
  ) {}

  async probe(): Promise<InstanceProbe> {
    const checkPostmaster = this.#probes % PROBES_PER_POSTMASTER_CHECK === 0;
    this.#probes += 1;
    try {
      const client = await this.#connected();
      const [row] = await Promise.all([
        queryProbe(client),
        checkPostmaster && postmasterAnswers(this.address, this.timeoutMs),
      ]);
      return probeOf(row);
    } catch (error) {
      // Whatever failed, the next probe starts from a fresh connection: a
      // hung or restarted server must be seen as it is now.
      await this.#disconnect();
      return notReady(error);
    }
  }

  async #connected(): Promise<Client> {
    if (this.#closed) throw new Error('The probe session is closed');
    if (this.#client) return this.#client;
    const client = await connect(this.address, this.superuser, {
      connectTimeoutMs: this.timeoutMs,
      queryTimeoutMs: this.timeoutMs,
      startupWaitMs: 0,
      applicationName: PROBE_SESSION_APPLICATION,
    });
    // Closed while connecting: nobody would end this connection later.
    if (this.#closed) {
      await client.end().catch(() => {});
      throw new Error('The probe session is closed');
    }
    this.#client = client;
    return client;
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#disconnect();
  }

  async #disconnect(): Promise<void> {
    const client = this.#client;
    this.#client = undefined;
    // Ending a client with a query stuck on a hung server destroys its
    // socket rather than waiting for the server.
    await client?.end().catch(() => {});
  }
}

/** Runs the probe query, within the client's query timeout. */
async function queryProbe(client: Client): Promise<ProbeRow> {
  const result = await client.query<ProbeRow>(PROBE_QUERY);
  return result.rows[0];
}

function probeOf(row: ProbeRow): InstanceProbe {
  const position = row.position ?? undefined;
  if (!row.recovery) {
    return { ready: true, role: 'primary', lag: { bytes: 0 }, position };
  }
  // Nothing received yet (lag null): the lag is unknown, not zero.
  return {
    ready: true,
    role: 'replica',
    position,
    ...(row.lag !== null && { lag: { bytes: Math.max(0, Number(row.lag)) } }),
  };
}

function notReady(error: unknown): InstanceProbe {
  return { ready: false, role: 'unknown', message: (error as Error).message };
}
