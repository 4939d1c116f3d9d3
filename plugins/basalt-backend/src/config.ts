import { Config, readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds } from '@backstage/types';

/** Basalt's backend configuration with defaults applied. */
export interface BasaltConfig {
  health: {
    /** Deadline for each health check. */
    checkTimeoutMs: number;
  };
}

const DEFAULT_HEALTH_CHECK_TIMEOUT = { seconds: 5 };

/** Reads the `basalt` config section; see `config.d.ts` for every key. */
export function readBasaltConfig(root: Config): BasaltConfig {
  const config = root.getOptionalConfig('basalt');
  const timeout = config?.has('health.checkTimeout')
    ? readDurationFromConfig(config, { key: 'health.checkTimeout' })
    : DEFAULT_HEALTH_CHECK_TIMEOUT;
  return { health: { checkTimeoutMs: durationToMilliseconds(timeout) } };
}
