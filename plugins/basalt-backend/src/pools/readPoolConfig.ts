import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { JsonValue } from '@backstage/types';
import { isAbsolute, resolve } from 'path';
import { parseQuantity } from './quantity';
import { NodePool } from './types';

/** Where unconfigured pools are, and on which nodes. */
export interface PoolConfigOptions {
  /** The nodes a pool without `nodes` (or the unconfigured `default`) is on. */
  nodes: string[];
  /** A pool's default path is `<rootDir>/pools/<pool>`. */
  rootDir: string;
}

/** The settings a pool or one of its nodes may give; the rest is inherited. */
type PoolSettings = Omit<NodePool, 'node' | 'pool' | 'path'> & {
  path?: string;
};

/**
 * Defaults for every pool-level value: a modest node's disk (100Gi at 250Mi/s
 * and 10,000 IOPS), at most 64 volumes, capacity over-allocated twice (volumes
 * are sparse files) and throughput one and a half times.
 */
export const POOL_DEFAULTS: Readonly<PoolSettings> = Object.freeze({
  capacityBytes: 100 * 2 ** 30,
  throughputBytesPerSec: 250 * 2 ** 20,
  iops: 10_000,
  maxVolumes: 64,
  overAllocation: Object.freeze({ capacity: 2.0, throughput: 1.5 }),
});

const ROOT_KEY = 'basalt.volumePools';
const NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
const SETTING_KEYS = [
  'path',
  'capacity',
  'throughput',
  'iops',
  'maxVolumes',
  'overAllocation',
];
const RATIO_KEYS = ['capacity', 'throughput'];

/**
 * Reads `basalt.volumePools.<pool>`: pool-level values (each defaulting to
 * {@link POOL_DEFAULTS}) and `nodes.<node>` entries that may override any of
 * them. A pool without `nodes` is on every node of `options.nodes`; a node
 * without `path` uses the pool's, else `<rootDir>/pools/<pool>`. With no pool
 * configured there is one, `default`, on `options.nodes` with the defaults.
 *
 * @returns one entry per node and pool, in configuration order.
 * @throws InputError naming the config key of a bad value and what is allowed.
 */
export function readPoolConfig(
  root: Config,
  options: PoolConfigOptions,
): NodePool[] {
  const section = read(ROOT_KEY, () => root.getOptionalConfig(ROOT_KEY));
  const names = section?.keys() ?? [];
  if (names.length === 0) {
    return options.nodes.map(node => ({
      node,
      pool: 'default',
      path: resolve(options.rootDir, 'pools', 'default'),
      ...POOL_DEFAULTS,
      overAllocation: { ...POOL_DEFAULTS.overAllocation },
    }));
  }
  return names.flatMap(pool => {
    const at = `${ROOT_KEY}.${pool}`;
    if (!NAME.test(pool)) {
      throw new InputError(
        `${at}: a pool name must be lowercase letters, digits and dashes`,
      );
    }
    return readPool(
      read(at, () => section!.getConfig(pool)),
      at,
      pool,
      options,
    );
  });
}

function readPool(
  config: Config,
  at: string,
  pool: string,
  options: PoolConfigOptions,
): NodePool[] {
  checkKeys(config, at, [...SETTING_KEYS, 'nodes']);
  const defaults = readSettings(config, at, POOL_DEFAULTS);
  const nodes = read(`${at}.nodes`, () => config.getOptionalConfig('nodes'));
  const nodeNames = nodes?.keys() ?? [];
  const entries = nodeNames.length
    ? nodeNames.map(node => {
        const nodeAt = `${at}.nodes.${node}`;
        const nodeConfig = read(nodeAt, () => nodes!.getConfig(node));
        checkKeys(nodeConfig, nodeAt, SETTING_KEYS);
        return { node, settings: readSettings(nodeConfig, nodeAt, defaults) };
      })
    : options.nodes.map(node => ({ node, settings: defaults }));
  return entries.map(({ node, settings }) => ({
    node,
    pool,
    ...settings,
    path: settings.path ?? resolve(options.rootDir, 'pools', pool),
  }));
}

/** How to parse one setting, and what to say is allowed when it does not parse. */
interface Rule<T> {
  parse: (raw: JsonValue) => T | undefined;
  allowed: string;
}

const SUFFIXES = 'whole bytes, or a number with Ki, Mi, Gi, Ti or Pi';

const positive = (bytes: number | undefined) =>
  bytes !== undefined && bytes > 0 ? bytes : undefined;

const SIZE: Rule<number> = {
  parse: raw => positive(parseQuantity(raw)),
  allowed: `a size such as 200Gi (${SUFFIXES}) greater than 0`,
};

const RATE: Rule<number> = {
  parse: raw =>
    positive(
      parseQuantity(typeof raw === 'string' ? raw.replace(/\/s$/, '') : raw),
    ),
  allowed: `bytes per second such as 500Mi or 500Mi/s (${SUFFIXES}) greater than 0`,
};

const RATIO: Rule<number> = {
  parse: raw =>
    typeof raw === 'number' && Number.isFinite(raw) && raw >= 1
      ? raw
      : undefined,
  allowed: 'a ratio ≥ 1 such as 1.5',
};

const PATH: Rule<string> = {
  parse: raw =>
    typeof raw === 'string' && isAbsolute(raw) ? resolve(raw) : undefined,
  allowed: 'an absolute path',
};

const count = (example: string): Rule<number> => ({
  parse: raw =>
    typeof raw === 'number' && Number.isSafeInteger(raw) && raw >= 1
      ? raw
      : undefined,
  allowed: `a whole number ≥ 1 such as ${example}`,
});

function readSettings(
  config: Config,
  at: string,
  base: Readonly<PoolSettings>,
): PoolSettings {
  const get = <T>(key: string, rule: Rule<T>, fallback: T): T =>
    readSetting(config, at, key, rule) ?? fallback;
  if (
    read(`${at}.overAllocation`, () => config.getOptional('overAllocation'))
  ) {
    const ratios = read(`${at}.overAllocation`, () =>
      config.getConfig('overAllocation'),
    );
    checkKeys(ratios, `${at}.overAllocation`, RATIO_KEYS);
  }
  return {
    path: get('path', PATH, base.path),
    capacityBytes: get('capacity', SIZE, base.capacityBytes),
    throughputBytesPerSec: get('throughput', RATE, base.throughputBytesPerSec),
    iops: get('iops', count('20000'), base.iops),
    maxVolumes: get('maxVolumes', count('64'), base.maxVolumes),
    overAllocation: {
      capacity: get(
        'overAllocation.capacity',
        RATIO,
        base.overAllocation.capacity,
      ),
      throughput: get(
        'overAllocation.throughput',
        RATIO,
        base.overAllocation.throughput,
      ),
    },
  };
}

function readSetting<T>(
  config: Config,
  at: string,
  key: string,
  rule: Rule<T>,
): T | undefined {
  const raw = read(`${at}.${key}`, () => config.getOptional(key));
  if (raw === undefined) return undefined;
  const parsed = rule.parse(raw);
  if (parsed === undefined) {
    throw new InputError(
      `${at}.${key}: must be ${rule.allowed}, got ${show(raw)}`,
    );
  }
  return parsed;
}

function show(raw: JsonValue): string {
  return typeof raw === 'string' ? `'${raw}'` : JSON.stringify(raw);
}

/** Refuses unknown keys, so that a misspelt setting is not silently ignored. */
function checkKeys(config: Config, at: string, allowed: string[]) {
  const unknown = config.keys().filter(key => !allowed.includes(key));
  if (unknown.length) {
    throw new InputError(
      `${at}.${unknown[0]}: unknown setting; allowed are ${allowed.join(', ')}`,
    );
  }
}

/** Runs a config read, turning the reader's errors into InputErrors. */
function read<T>(key: string, reader: () => T): T {
  try {
    return reader();
  } catch (error) {
    throw new InputError(`${key}: ${(error as Error).message}`);
  }
}
