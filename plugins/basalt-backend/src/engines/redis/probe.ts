import {
  EngineAddress,
  InstanceProbe,
  ProbeSession,
} from '@basalt/plugin-basalt-node';
import {
  Login,
  OpenSession,
  openSession,
  parseInfo,
  RedisSession,
  Timeouts,
} from './connection';
import { FIGURE_SECTIONS, redisFigures } from './figures';

/**
 * Reads role, readiness and replication offsets from `INFO replication
 * persistence`. A replica's position is what it has read from its primary
 * and its lag what it has read but not yet applied, in bytes of the
 * replication stream; a primary's position is its replication offset.
 */
export async function probeWith(
  session: RedisSession,
  options: { figures: boolean },
): Promise<InstanceProbe> {
  const info = parseInfo(
    await session.command([
      'INFO',
      'replication',
      'persistence',
      ...(options.figures ? FIGURE_SECTIONS : []),
    ]),
  );
  const figures = options.figures ? { figures: redisFigures(info) } : {};
  if (info.loading === '1') {
    return notReady('loading its data from disk');
  }
  if (info.role === 'master') {
    return {
      ready: true,
      role: 'primary',
      lag: { bytes: 0 },
      position: info.master_repl_offset,
      ...figures,
    };
  }
  if (info.master_sync_in_progress === '1') {
    return notReady('copying its primary (full synchronization)');
  }
  const applied = Number(info.slave_repl_offset ?? info.master_repl_offset);
  const read = Number(info.slave_read_repl_offset ?? applied);
  return {
    ready: true,
    role: 'replica',
    lag: { bytes: Math.max(0, read - applied) },
    position: String(read),
    ...(info.master_link_status !== 'up' && {
      message: `its link to the primary is ${info.master_link_status}`,
    }),
    ...figures,
  };
}

/** One probe over a new connection, with the figures; never throws. */
export async function probeInstance(
  address: EngineAddress,
  login: Login,
  timeouts: Timeouts,
): Promise<InstanceProbe> {
  let session: OpenSession | undefined;
  try {
    session = await openSession(address, login, timeouts);
    return await probeWith(session, { figures: true });
  } catch (error) {
    return notReady((error as Error).message);
  } finally {
    await session?.close();
  }
}

/**
 * Probes one instance over a connection it keeps between probes (a watched
 * primary is probed several times a second), without the figures. A failed
 * probe drops the connection, so the next one sees the server as it is now.
 */
export class RedisProbeSession implements ProbeSession {
  #session?: OpenSession;
  #closed = false;

  constructor(
    private readonly address: EngineAddress,
    private readonly login: Login,
    private readonly timeoutMs: number,
  ) {}

  async probe(): Promise<InstanceProbe> {
    try {
      return await probeWith(await this.#connected(), { figures: false });
    } catch (error) {
      await this.#disconnect();
      return notReady((error as Error).message);
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#disconnect();
  }

  async #connected(): Promise<OpenSession> {
    if (this.#closed) throw new Error('The probe session is closed');
    if (this.#session) return this.#session;
    const session = await openSession(this.address, this.login, {
      connectTimeoutMs: this.timeoutMs,
      commandTimeoutMs: this.timeoutMs,
    });
    // Closed while connecting: nobody would end this connection later.
    if (this.#closed) {
      await session.close();
      throw new Error('The probe session is closed');
    }
    this.#session = session;
    return session;
  }

  async #disconnect(): Promise<void> {
    const session = this.#session;
    this.#session = undefined;
    await session?.close();
  }
}

function notReady(message: string): InstanceProbe {
  return { ready: false, role: 'unknown', message };
}
