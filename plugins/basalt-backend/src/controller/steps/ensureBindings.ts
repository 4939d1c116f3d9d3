import { ClusterEndpoints } from '@basalt/plugin-basalt-common';
import { EngineContext } from '@basalt/plugin-basalt-node';
import { accountDatabase } from '../../engines/accountDatabase';
import { ReconcileContext } from '../ReconcileContext';

/**
 * On a runtime where applications run beside the cluster, each account's
 * settings as a Service Binding at the read-write endpoint, kept current:
 * after the engine has the account's password (a rotated one reaches the
 * binding once it works), and as endpoints and certificates change.
 */
export async function ensureBindings(
  ctx: ReconcileContext,
  engine: EngineContext,
  endpoints: ClusterEndpoints,
): Promise<void> {
  const endpoint = endpoints.readWrite;
  if (!ctx.runtime.ensureBindings || !endpoint) return;
  const { spec, credentials } = engine;
  await ctx.runtime.ensureBindings(
    ctx.key,
    spec.accounts.map(account => ({
      account: account.name,
      entries: ctx.driver.bindingEntries({
        endpoint,
        account: account.name,
        database: accountDatabase(ctx.driver, spec, account),
        password: credentials.accounts[account.name],
        caCertificate: credentials.tls?.caCertificate,
      }),
    })),
  );
}
