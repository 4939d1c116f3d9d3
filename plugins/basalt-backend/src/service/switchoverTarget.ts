import { ConflictError, InputError } from '@backstage/errors';
import { ClusterResource, clusterRefOf } from '@basalt/plugin-basalt-common';

/**
 * Reads and checks the body of a switchover request: `{}` or
 * `{ "target": "<replica>" }`. Returns the target, if one was named.
 *
 * @throws InputError naming the field and the replicas that may be chosen;
 * ConflictError when the cluster has no replica to switch over to.
 */
export function switchoverTarget(
  body: unknown,
  cluster: ClusterResource,
): string | undefined {
  const ref = clusterRefOf(cluster);
  if (cluster.spec.replicas < 2) {
    throw new ConflictError(
      `EngineCluster ${ref} has one instance (spec.replicas: 1); a switchover needs a replica to promote`,
    );
  }
  const input = (body ?? {}) as Record<string, unknown>;
  if (typeof input !== 'object' || Array.isArray(input)) {
    throw new InputError('The body must be a JSON object, e.g. {}');
  }
  const unknown = Object.keys(input).filter(key => key !== 'target');
  if (unknown.length) {
    throw new InputError(
      `${unknown.join(', ')}: not allowed; the body may only have target`,
    );
  }
  if (input.target === undefined) return undefined;
  const replicas = (cluster.status?.instances ?? [])
    .filter(i => i.role === 'replica')
    .map(i => i.name);
  if (typeof input.target !== 'string' || !replicas.includes(input.target)) {
    throw new InputError(
      `target: must be one of the replicas of ${ref} (${
        replicas.join(', ') || 'none right now'
      }), got ${JSON.stringify(input.target)}`,
    );
  }
  return input.target;
}
