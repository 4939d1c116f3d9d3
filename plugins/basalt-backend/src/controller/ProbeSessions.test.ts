import {
  EngineAddress,
  EngineContext,
  EngineDriver,
  InstanceProbe,
  ProbeSession,
  RuntimeInstance,
} from '@basalt/plugin-basalt-node';
import { ProbeSessions } from './ProbeSessions';

/** The part of a driver that probes, with in-memory sessions. */
function sessionDriver() {
  const opened: Array<{ address: EngineAddress; closed: boolean }> = [];
  const driver = {
    openProbeSession(address: EngineAddress): ProbeSession {
      const record = { address, closed: false };
      opened.push(record);
      return {
        probe: async (): Promise<InstanceProbe> => ({
          ready: !record.closed,
          role: 'replica',
        }),
        close: async () => {
          record.closed = true;
        },
      };
    },
  } as unknown as EngineDriver;
  return { driver, opened };
}

const engine = {} as EngineContext;
const instance = (name: string, port = 5432): RuntimeInstance => ({
  name,
  node: 'node-a',
  address: { host: '127.0.0.1', port },
  running: true,
});

describe('ProbeSessions', () => {
  it('keeps one session per instance across probes, and a new one at a new address', async () => {
    const { driver, opened } = sessionDriver();
    const sessions = new ProbeSessions();
    for (let pass = 0; pass < 3; pass++) {
      await expect(
        sessions.probe('uid-1', driver, instance('db-1'), engine),
      ).resolves.toEqual({ ready: true, role: 'replica' });
    }
    expect(opened).toHaveLength(1);

    await sessions.probe('uid-1', driver, instance('db-1', 6000), engine);
    expect(opened.map(o => [o.address.port, o.closed])).toEqual([
      [5432, true],
      [6000, false],
    ]);
    await sessions.close();
  });

  it('closes the sessions of instances that are gone, of deleted clusters, and all at the end', async () => {
    const { driver, opened } = sessionDriver();
    const sessions = new ProbeSessions();
    await sessions.probe('uid-1', driver, instance('db-0'), engine);
    await sessions.probe('uid-1', driver, instance('db-1'), engine);
    await sessions.probe('uid-2', driver, instance('other-0'), engine);

    sessions.retain('uid-1', ['db-0']);
    expect(opened.map(o => o.closed)).toEqual([false, true, false]);
    sessions.forget('uid-2');
    expect(opened.map(o => o.closed)).toEqual([false, true, true]);
    await sessions.close();
    expect(opened.map(o => o.closed)).toEqual([true, true, true]);
  });

  it('probes anew each time through a driver without sessions', async () => {
    const probe = jest.fn(async () => ({ ready: true, role: 'primary' }));
    const driver = { probe } as unknown as EngineDriver;
    const sessions = new ProbeSessions();
    await sessions.probe('uid-1', driver, instance('db-0'), engine);
    await sessions.probe('uid-1', driver, instance('db-0'), engine);
    expect(probe).toHaveBeenCalledTimes(2);
    expect(probe).toHaveBeenCalledWith(
      { host: '127.0.0.1', port: 5432 },
      engine,
      { timeoutMs: 1000 },
    );
  });
});
