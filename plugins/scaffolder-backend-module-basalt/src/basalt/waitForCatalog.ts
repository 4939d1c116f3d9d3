import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { done, poll, waiting } from './poll';

/** How often the catalog is asked while the entity is not there yet. */
const INTERVAL_MS = 1000;

/**
 * Waits until the catalog has the entity `entityRef` (a cluster's Resource,
 * published by Basalt's catalog module within seconds of its creation), so
 * that a link to it in the template's output leads to it. Resolves with
 * whether it appeared within `timeoutMs`; never throws for a slow catalog:
 * the cluster itself is ready either way.
 */
export async function waitForCatalog(
  catalog: CatalogService,
  entityRef: string,
  options: {
    credentials: BackstageCredentials;
    timeoutMs: number;
    signal?: AbortSignal;
  },
): Promise<boolean> {
  return poll(
    async () =>
      (await catalog.getEntityByRef(entityRef, {
        credentials: options.credentials,
      }))
        ? done(true)
        : waiting('not in the catalog yet'),
    {
      timeoutMs: options.timeoutMs,
      intervalMs: INTERVAL_MS,
      signal: options.signal,
      timedOut: () => new Error('timed out'),
    },
  ).catch(() => false);
}
