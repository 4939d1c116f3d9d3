import { EngineContext } from '@basalt/plugin-basalt-node';
import { ObservedInstance, ReconcileContext } from '../ReconcileContext';
import { primaryOf } from './probeInstances';

/** Creates the manifest's databases and accounts on the primary. */
export async function ensureDatabases(
  ctx: ReconcileContext,
  engine: EngineContext,
  observed: ObservedInstance[],
): Promise<void> {
  const primary = primaryOf(observed);
  if (!primary) return;
  const changes = await ctx.driver.ensureDatabasesAndAccounts(
    primary.instance.address,
    engine,
  );
  for (const change of changes) {
    await ctx.recordEvent('Normal', 'DatabaseChanged', change);
  }
}
