import { ClusterScope } from '../ReconcileContext';

/**
 * Removes everything of a cluster the runtime holds: instances (processes
 * and data), endpoints and credentials. Safe to repeat after a failure.
 */
export async function ensureDeleted(ctx: ClusterScope): Promise<void> {
  const { runtime, key } = ctx;
  for (const instance of await runtime.listInstances(key)) {
    await runtime.removeInstance(key, instance.name);
    await ctx.recordEvent(
      'Normal',
      'InstanceRemoved',
      `Removed instance ${instance.name} from ${instance.node}`,
    );
  }
  await runtime.removeEndpoints(key);
  await runtime.removeCredentials(key);
}
