import { ChildProcess, spawn } from 'child_process';
import { chownSync, mkdirSync } from 'fs';
import { join } from 'path';
import { engineIds, freePort } from '../../src/__testUtils__/processes';
import { parseInfo, withSession } from '../../src/engines/redis/connection';
import { median } from './stats';

const REDIS_SERVER = '/usr/bin/redis-server';
const QUICK = { connectTimeoutMs: 500, commandTimeoutMs: 500 };
// Without ACL users, the default user logs in with any password.
const NOBODY = { username: 'default', password: 'floor-only' };

/**
 * The floor of Redis, measured by hand with the same program the local
 * runtime runs: a redis-server started until it answers PING, and a second
 * one started as its replica until its link is up (start and a full
 * synchronization). Medians of `runs`.
 */
export async function measureRedisFloor(
  dir: string,
  runs: number,
): Promise<{ start: number; replica: number }> {
  const starts: number[] = [];
  const replicas: number[] = [];
  const servers: ChildProcess[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const [primaryPort, replicaPort] = [await freePort(), await freePort()];
      let t = performance.now();
      servers.push(startServer(join(dir, `${i}-p`), primaryPort, []));
      await untilAnswers(primaryPort, () => true);
      starts.push(performance.now() - t);

      t = performance.now();
      servers.push(
        startServer(join(dir, `${i}-r`), replicaPort, [
          '--replicaof',
          '127.0.0.1',
          String(primaryPort),
        ]),
      );
      await untilAnswers(replicaPort, info => info.master_link_status === 'up');
      replicas.push(performance.now() - t);
    }
  } finally {
    servers.forEach(server => server.kill('SIGKILL'));
  }
  return { start: median(starts), replica: median(replicas) };
}

function startServer(dir: string, port: number, args: string[]) {
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  const ids = engineIds();
  if (ids) chownSync(dir, ids.uid, ids.gid);
  return spawn(
    REDIS_SERVER,
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--save',
      '',
      '--appendonly',
      'no',
      '--repl-diskless-sync-delay',
      '0',
      ...args,
    ],
    { ...ids, stdio: 'ignore' },
  );
}

async function untilAnswers(
  port: number,
  done: (info: Record<string, string>) => boolean,
): Promise<void> {
  const deadline = performance.now() + 10_000;
  for (;;) {
    const info = await withSession(
      { host: '127.0.0.1', port },
      NOBODY,
      QUICK,
      async session =>
        parseInfo(await session.command(['INFO', 'replication'])),
    ).catch(() => undefined);
    if (info && done(info)) return;
    if (performance.now() > deadline) {
      throw new Error(`redis-server on port ${port} did not get there in 10 s`);
    }
    await new Promise(resolve => setTimeout(resolve, 2));
  }
}
