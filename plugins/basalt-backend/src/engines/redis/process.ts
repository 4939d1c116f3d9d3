import { EngineProcess } from '@basalt/plugin-basalt-node';

/** How redis-server 7.0 runs, on a Debian host and in its official image. */
export const REDIS_PROCESS: EngineProcess = {
  // SIGTERM saves a final snapshot when persistence is on, then exits.
  stopSignal: 'SIGTERM',
  binDir: '/usr/bin',
  debianPackage: 'redis-server',
  container: {
    image: 'redis:7.0',
    port: 6379,
    // The `redis` user of the official image.
    uid: 999,
    gid: 999,
    programs: ['redis-server', 'redis-cli'],
    // The default user is disabled, so an unauthenticated PING is refused
    // with NOAUTH once the server takes connections; while it loads its
    // data it answers LOADING instead.
    readinessCommand: (host, port) => [
      'sh',
      '-c',
      `redis-cli -h ${host} -p ${port} PING 2>&1 | grep -qE 'PONG|NOAUTH'`,
    ],
  },
};
