import { InstanceProbe, ProbeSession } from '@basalt/plugin-basalt-node';
import { eventually } from '../testUtils/eventually';
import { PrimaryMonitor, WatchTarget } from './PrimaryMonitor';

const PRIMARY: InstanceProbe = { ready: true, role: 'primary' };
const SILENT: InstanceProbe = {
  ready: false,
  role: 'unknown',
  message: 'timeout',
};

/** An in-memory session that answers what the test sets. */
class ScriptedSession implements ProbeSession {
  answer = PRIMARY;
  /** Answered first, one per probe, before `answer`. */
  script: InstanceProbe[] = [];
  probes = 0;
  closed = false;
  /** Holds every probe until it resolves (a server slow to answer). */
  gate?: Promise<void>;

  constructor(readonly timeoutMs: number) {}

  async probe(): Promise<InstanceProbe> {
    this.probes += 1;
    await this.gate;
    if (this.closed) return SILENT;
    return this.script.shift() ?? this.answer;
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

describe('PrimaryMonitor', () => {
  const lost: string[] = [];
  const sessions: ScriptedSession[] = [];
  let monitor: PrimaryMonitor;

  beforeEach(() => {
    lost.length = 0;
    sessions.length = 0;
    monitor = new PrimaryMonitor({
      settings: {
        probeIntervalMs: 5,
        probeTimeoutMs: 100,
        failureThreshold: 3,
      },
      onLost: uid => lost.push(uid),
    });
  });
  afterEach(() => monitor.stop());

  const target = (instance: string, address = '127.0.0.1:5432') =>
    ({
      instance,
      address,
      openSession: timeoutMs => {
        const session = new ScriptedSession(timeoutMs);
        sessions.push(session);
        return session;
      },
    } satisfies WatchTarget);

  it('declares a primary lost once it failed the threshold in a row, once per streak', async () => {
    monitor.watch('uid-1', target('db-0'));
    await eventually(async () => (sessions[0].probes >= 2 ? true : undefined));
    expect(monitor.lossOf('uid-1', 'db-0')).toBeUndefined();

    sessions[0].answer = SILENT;
    await eventually(async () => (lost.length > 0 ? true : undefined));
    const probesAtLoss = sessions[0].probes;
    await eventually(async () =>
      sessions[0].probes > probesAtLoss + 3 ? true : undefined,
    );
    expect(lost).toEqual(['uid-1']);
    expect(monitor.lossOf('uid-1', 'db-0')).toMatchObject({
      why: expect.stringMatching(
        /^db-0 stopped answering \(\d+ probes in a row failed\)$/,
      ),
    });
    expect(sessions[0].timeoutMs).toBe(100);
  });

  it('keeps a primary that answers again before the threshold', async () => {
    monitor.watch('uid-1', target('db-0'));
    const [session] = sessions;
    // Two failures, an answer, two failures: never three in a row.
    session.script = [SILENT, SILENT, PRIMARY, SILENT, SILENT];
    await eventually(async () => (session.probes > 10 ? true : undefined));
    expect(lost).toEqual([]);
    expect(monitor.lossOf('uid-1', 'db-0')).toBeUndefined();
  });

  it('keeps one session while the primary stays where it is, and a new one when it moves or changes', async () => {
    monitor.watch('uid-1', target('db-0'));
    monitor.watch('uid-1', target('db-0'));
    expect(sessions).toHaveLength(1);

    monitor.watch('uid-1', target('db-0', '10.0.0.7:5432'));
    expect(sessions).toHaveLength(2);
    expect(sessions[0].closed).toBe(true);

    monitor.watch('uid-1', target('db-1', '10.0.0.7:5432'));
    expect(sessions).toHaveLength(3);
    expect(sessions[1].closed).toBe(true);
    expect(monitor.isWatchedPrimary('uid-1', 'db-1')).toBe(true);
  });

  it('counts no failure from a probe whose session was replaced meanwhile', async () => {
    // Each time a probe is under way, the primary is found at another
    // address; the old session's probe then fails, as it is closed.
    for (let move = 0; move < 4; move++) {
      monitor.watch('uid-1', target('db-0', `127.0.0.1:${6000 + move}`));
      const session = sessions[sessions.length - 1];
      let open = () => {};
      session.gate = new Promise<void>(resolve => {
        open = resolve;
      });
      await eventually(async () => (session.probes > 0 ? true : undefined));
      monitor.watch('uid-1', target('db-0', `127.0.0.1:${7000 + move}`));
      open();
    }
    const last = sessions[sessions.length - 1];
    await eventually(async () => (last.probes >= 3 ? true : undefined));
    expect(lost).toEqual([]);
    expect(monitor.lossOf('uid-1', 'db-0')).toBeUndefined();
  });

  it('closes the sessions it no longer needs and watches nothing once stopped', async () => {
    monitor.watch('uid-1', target('db-0'));
    monitor.watch('uid-2', target('other-0'));
    monitor.unwatch('uid-1');
    expect(sessions[0].closed).toBe(true);
    expect(sessions[1].closed).toBe(false);

    await monitor.stop();
    expect(sessions[1].closed).toBe(true);
    monitor.watch('uid-3', target('late-0'));
    expect(sessions).toHaveLength(2);
  });
});
