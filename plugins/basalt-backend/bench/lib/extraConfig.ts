import { mockServices } from '@backstage/backend-test-utils';

type Data = Record<string, unknown>;

function merge(base: Data, extra: Data): Data {
  const out: Data = { ...base };
  for (const [key, value] of Object.entries(extra)) {
    const current = out[key];
    out[key] =
      current &&
      typeof current === 'object' &&
      value &&
      typeof value === 'object'
        ? merge(current as Data, value as Data)
        : value;
  }
  return out;
}

/**
 * Runs `start` (e.g. `startBenchBackend`) with `extra` deep-merged into the
 * configuration it gives `mockServices.rootConfig.factory`, without changing
 * the shared starter: e.g. a backup repository only one bench needs.
 */
export async function withExtraConfig<T>(
  extra: Data,
  start: () => Promise<T>,
): Promise<T> {
  const rootConfig = mockServices.rootConfig;
  const original = rootConfig.factory;
  rootConfig.factory = ((options?: { data?: Data }) =>
    original({
      ...options,
      data: merge(options?.data ?? {}, extra),
    })) as typeof original;
  try {
    return await start();
  } finally {
    rootConfig.factory = original;
  }
}
