import { EngineAddress, InstanceProbe } from '@basalt/plugin-basalt-node';
import { Login, Timeouts, withClient } from './connection';

/**
 * Connects as the superuser and asks for the instance's role and, on a
 * replica, the WAL it has received but not yet replayed. An instance that
 * cannot be reached or queried is reported not ready; this never throws.
 */
export async function probeInstance(
  address: EngineAddress,
  superuser: Login,
  timeouts: Timeouts,
): Promise<InstanceProbe> {
  try {
    const row = await withClient(address, superuser, timeouts, async client => {
      const result = await client.query<{
        recovery: boolean;
        lag: string | null;
        position: string | null;
      }>(
        `select pg_is_in_recovery() as recovery,
                pg_wal_lsn_diff(pg_last_wal_receive_lsn(),
                                pg_last_wal_replay_lsn())::text as lag,
                pg_wal_lsn_diff(
                  case when pg_is_in_recovery()
                       then coalesce(pg_last_wal_receive_lsn(),
                                     pg_last_wal_replay_lsn())
                       else pg_current_wal_lsn() end,
                  '0/0')::text as position`,
      );
      return result.rows[0];
    });
    const position = row.position === null ? undefined : Number(row.position);
    if (!row.recovery) {
      return { ready: true, role: 'primary', lagBytes: 0, position };
    }
    // Nothing received yet (lag null): the lag is unknown, not zero.
    return {
      ready: true,
      role: 'replica',
      position,
      ...(row.lag !== null && { lagBytes: Math.max(0, Number(row.lag)) }),
    };
  } catch (error) {
    return { ready: false, role: 'unknown', message: (error as Error).message };
  }
}
