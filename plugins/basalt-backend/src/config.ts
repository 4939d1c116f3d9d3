import { Config, readDurationFromConfig } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { HumanDuration, durationToMilliseconds } from '@backstage/types';
import { dirname, join, resolve } from 'path';

/** Basalt's backend configuration with defaults applied; see `config.d.ts`. */
export interface BasaltConfig {
  health: { checkTimeoutMs: number };
  controller: {
    resyncIntervalMs: number;
    concurrency: number;
    leaseDurationMs: number;
    ha: {
      probeIntervalMs: number;
      probeTimeoutMs: number;
      failureThreshold: number;
      /** Failovers carried out at once, apart from reconciles. */
      failoverConcurrency: number;
    };
    /** Volume protection's watermarks, in percent full. */
    volumeWatermarks: { high: number; low: number };
  };
  backups: {
    /** The `default` filesystem repository's path when none is configured. */
    defaultPath: string;
    housekeepingIntervalMs: number;
    logArchiveIntervalMs: number;
  };
  local: {
    rootDir: string;
    user: string;
    nodes: string[];
    ports: { from: number; to: number };
    /**
     * Engines' program directories set in `basalt.runtimes.local.<engine>.binDir`,
     * by engine; an engine not here uses its driver's default.
     */
    binDirs: Record<string, string>;
    /** Enforce volume limits on the disk where the machine can. */
    enforceVolumes: boolean;
  };
}

/** A duration at `key` of `config` in milliseconds, else `fallback`'s. */
export function durationMs(
  config: Config | undefined,
  key: string,
  fallback: HumanDuration,
): number {
  return durationToMilliseconds(
    config?.has(key) ? readDurationFromConfig(config, { key }) : fallback,
  );
}

function readHaConfig(config: Config | undefined) {
  const failureThreshold = positiveWholeNumber(
    config,
    'controller.ha.failureThreshold',
    3,
  );
  return {
    probeIntervalMs: durationMs(config, 'controller.ha.probeInterval', {
      milliseconds: 250,
    }),
    probeTimeoutMs: durationMs(config, 'controller.ha.probeTimeout', {
      milliseconds: 500,
    }),
    failureThreshold,
    failoverConcurrency: positiveWholeNumber(
      config,
      'controller.ha.failoverConcurrency',
      4,
    ),
  };
}

function positiveWholeNumber(
  config: Config | undefined,
  key: string,
  fallback: number,
): number {
  const value = config?.getOptionalNumber(key) ?? fallback;
  if (!Number.isInteger(value) || value < 1) {
    throw new InputError(
      `basalt.${key} must be a whole number of at least 1, got ${value}`,
    );
  }
  return value;
}

function readWatermarks(config: Config | undefined) {
  const key = 'controller.volumeProtection';
  const high = config?.getOptionalNumber(`${key}.highWatermark`) ?? 90;
  const low = config?.getOptionalNumber(`${key}.lowWatermark`) ?? 80;
  if (!(low > 0 && low < high && high < 100)) {
    throw new InputError(
      `basalt.${key}: must satisfy 0 < lowWatermark < highWatermark < 100 (percent full), got ${low} and ${high}`,
    );
  }
  return { high, low };
}

/** `<engine>.binDir` of the local runtime's section, by engine. */
function readBinDirs(local: Config | undefined): Record<string, string> {
  const binDirs: Record<string, string> = {};
  for (const key of local?.keys() ?? []) {
    const value = local!.getOptional(key);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      continue; // rootDir, user, nodes: not an engine's section
    }
    const binDir = local!.getOptionalString(`${key}.binDir`);
    if (binDir) binDirs[key] = binDir;
  }
  return binDirs;
}

/** Reads the `basalt` config section; a bad value is an error naming its key. */
export function readBasaltConfig(root: Config): BasaltConfig {
  const config = root.getOptionalConfig('basalt');
  const local = config?.getOptionalConfig('runtimes.local');
  const resyncIntervalMs = durationMs(config, 'controller.resyncInterval', {
    seconds: 10,
  });
  const ports = {
    from: local?.getOptionalNumber('ports.from') ?? 15432,
    to: local?.getOptionalNumber('ports.to') ?? 16431,
  };
  if (!(ports.from >= 1024 && ports.to <= 65535 && ports.from < ports.to)) {
    throw new InputError(
      `basalt.runtimes.local.ports must satisfy 1024 <= from < to <= 65535, got ${ports.from}-${ports.to}`,
    );
  }
  const localRootDir = resolve(
    local?.getOptionalString('rootDir') ?? '.basalt/local',
  );
  return {
    health: {
      checkTimeoutMs: durationMs(config, 'health.checkTimeout', { seconds: 5 }),
    },
    controller: {
      resyncIntervalMs,
      concurrency: config?.getOptionalNumber('controller.concurrency') ?? 4,
      leaseDurationMs: durationMs(config, 'controller.leaseDuration', {
        milliseconds: Math.max(resyncIntervalMs * 3, 15_000),
      }),
      ha: readHaConfig(config),
      volumeWatermarks: readWatermarks(config),
    },
    backups: {
      // Beside the local runtime's root: `.basalt/backups` by default.
      defaultPath: join(dirname(localRootDir), 'backups'),
      housekeepingIntervalMs: durationMs(
        config,
        'backups.housekeepingInterval',
        {
          seconds: 30,
        },
      ),
      // walArchiveInterval: the key's former name, read for one more release.
      logArchiveIntervalMs: durationMs(
        config,
        config?.has('backups.logArchiveInterval')
          ? 'backups.logArchiveInterval'
          : 'backups.walArchiveInterval',
        { seconds: 5 },
      ),
    },
    local: {
      rootDir: localRootDir,
      user: local?.getOptionalString('user') ?? 'nobody',
      nodes: local?.getOptionalStringArray('nodes') ?? [
        'node-a',
        'node-b',
        'node-c',
      ],
      ports,
      binDirs: readBinDirs(local),
      enforceVolumes: local?.getOptionalBoolean('volumes.enforce') ?? true,
    },
  };
}
