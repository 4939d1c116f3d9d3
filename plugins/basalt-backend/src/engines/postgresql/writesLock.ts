import { EngineAddress } from '@basalt/plugin-basalt-node';
import { Login, Timeouts, withClient } from './connection';

/**
 * Makes the primary refuse writes, or take them again. Locked, every new
 * transaction is read-only by default (`ALTER SYSTEM`, so it survives a
 * restart until unlocked), and client sessions other than Basalt's own are
 * ended: one that started before could otherwise still write, or simply
 * `SET default_transaction_read_only = off`. Replication is left alone.
 * Safe to repeat.
 */
export async function setWritesLocked(
  primary: EngineAddress,
  superuser: Login,
  timeouts: Timeouts,
  locked: boolean,
): Promise<void> {
  await withClient(primary, superuser, timeouts, async client => {
    await client.query(
      locked
        ? 'ALTER SYSTEM SET default_transaction_read_only = on'
        : 'ALTER SYSTEM RESET default_transaction_read_only',
    );
    await client.query('select pg_catalog.pg_reload_conf()');
    if (!locked) return;
    await client.query(
      `select pg_catalog.pg_terminate_backend(pid)
         from pg_catalog.pg_stat_activity
        where backend_type = 'client backend'
          and pid <> pg_catalog.pg_backend_pid()
          and usename is distinct from current_user`,
    );
  });
}
