import { V1Secret } from '@kubernetes/client-node';
import { KubeCache } from './KubeCache';
import { KubeWriter } from './KubeWriter';

/**
 * Creates the Secret `body`, or replaces `current` (the cluster's own Secret
 * of that name, at the version the cache has), then waits until the cache
 * sees it as written, so that the next pass does not write it again.
 *
 * @throws Error when a Secret of that name exists and is not the cluster's.
 */
export async function writeOwnSecret(options: {
  cache: KubeCache;
  writer: KubeWriter;
  body: V1Secret;
  current: V1Secret | undefined;
  seenAsWritten: (seen: V1Secret | undefined) => boolean;
}): Promise<void> {
  const { cache, writer, body, current } = options;
  const { name, namespace } = body.metadata as {
    name: string;
    namespace: string;
  };
  if (current) {
    await writer.replaceSecret({
      ...body,
      metadata: {
        ...body.metadata,
        resourceVersion: current.metadata?.resourceVersion,
      },
    });
  } else if (!(await writer.createSecret(body))) {
    throw new Error(
      `Secret ${namespace}/${name} exists and is not this cluster's`,
    );
  }
  await cache.waitFor(
    () =>
      options.seenAsWritten(cache.getSecret(namespace, name))
        ? true
        : undefined,
    {
      timeoutMs: 10_000,
      describe: () => `Secret ${namespace}/${name} was not seen`,
    },
  );
}
