import { EngineAddress } from '@basalt/plugin-basalt-node';
import { Login, Timeouts, withClient } from './connection';

const RELOAD_WAIT_MS = 10_000;
const RELOAD_POLL_MS = 10;

/**
 * Has the server read its configuration files again and waits until it
 * has: `pg_reload_conf()` only signals the postmaster, and a session sees
 * the new settings (and a new `pg_conf_load_time()`) once its backend has
 * processed the signal, which happens between commands.
 */
export async function reloadConfiguration(
  address: EngineAddress,
  superuser: Login,
  timeouts: Timeouts,
): Promise<void> {
  await withClient(address, superuser, timeouts, async client => {
    const loadTime = async () =>
      (await client.query('select pg_conf_load_time()::text as at')).rows[0]
        .at as string;
    const before = await loadTime();
    await client.query('select pg_reload_conf()');
    const deadline = Date.now() + RELOAD_WAIT_MS;
    while ((await loadTime()) === before) {
      if (Date.now() > deadline) {
        throw new Error(
          `PostgreSQL at ${address.host}:${address.port} did not reload its configuration within ${RELOAD_WAIT_MS} ms`,
        );
      }
      await new Promise(resolve => setTimeout(resolve, RELOAD_POLL_MS));
    }
  });
}
