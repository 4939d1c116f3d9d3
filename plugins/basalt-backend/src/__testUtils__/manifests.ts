import {
  EngineCluster,
  EngineClusterInput,
  engineClusterSpecSchema,
  parseEngineCluster,
} from '@basalt/plugin-basalt-common';
import { POSTGRES_DEFAULT_VERSION } from '../engines/postgresql/PostgresDriver';
import { REDIS_DEFAULT_VERSION } from '../engines/redis/RedisDriver';

/**
 * A manifest with the schema's defaults and, where it names no version,
 * PostgreSQL's default one, as admission stores it; for tests that need an
 * admitted manifest without a backend.
 */
export function testManifest(input: EngineClusterInput): EngineCluster {
  const parsed = parseEngineCluster(input);
  return { ...parsed, spec: withVersion(parsed.spec) };
}

/** A PostgreSQL cluster's spec with defaults applied. */
export function postgresSpec(
  spec: Partial<EngineClusterInput['spec']> = {},
): EngineCluster['spec'] {
  return withVersion(
    engineClusterSpecSchema.parse({ engine: 'postgresql', ...spec }),
  );
}

/** A Redis cluster's spec with defaults applied, as admission stores it. */
export function redisSpec(
  spec: Partial<EngineClusterInput['spec']> = {},
): EngineCluster['spec'] {
  const parsed = engineClusterSpecSchema.parse({ engine: 'redis', ...spec });
  return { ...parsed, version: parsed.version ?? REDIS_DEFAULT_VERSION };
}

function withVersion<T extends { version?: string }>(
  spec: T,
): T & { version: string } {
  return { ...spec, version: spec.version ?? POSTGRES_DEFAULT_VERSION };
}
