import { KubeCache } from './KubeCache';
import { KubeWriter } from './KubeWriter';

/** Set on a claim to have the volume controller look at it again. */
export const BIND_REQUESTED_ANNOTATION = 'basalt.dev/bind-requested';

/** How long a claim may stay unbound before the controller is prompted. */
const PROMPT_AFTER_MS = 1_000;

/**
 * Resolves once the claim is Bound to its volume, made in advance for it.
 * The volume controller binds a claim when it sees it, but only if its
 * cache already holds the claim's volume, created a moment earlier; when
 * not, it waits for its next resync (15 s by default). An update of the
 * claim makes it look again at once, so an unbound claim is annotated
 * every second until it is bound. A Pod is created only then: its kubelet
 * would otherwise fail to mount the claim and retry with a growing delay.
 *
 * @throws Error when the claim is not bound within `timeoutMs`.
 */
export async function waitUntilBound(
  cache: KubeCache,
  writer: KubeWriter,
  namespace: string,
  name: string,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await cache.waitFor(
        () =>
          cache.getClaim(namespace, name)?.status?.phase === 'Bound'
            ? true
            : undefined,
        {
          timeoutMs: Math.min(PROMPT_AFTER_MS, deadline - Date.now()),
          describe: () =>
            `Claim ${namespace}/${name} was not bound to its volume within ${timeoutMs} ms`,
        },
      );
      return;
    } catch (error) {
      if (Date.now() >= deadline) throw error;
      await writer.annotateClaim(namespace, name, {
        [BIND_REQUESTED_ANNOTATION]: new Date().toISOString(),
      });
    }
  }
}
