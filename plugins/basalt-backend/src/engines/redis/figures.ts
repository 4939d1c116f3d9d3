import { EngineFigure } from '@basalt/plugin-basalt-common';

/** The `INFO` sections {@link redisFigures} reads, beside the probe's own. */
export const FIGURE_SECTIONS = ['memory', 'clients', 'stats', 'keyspace'];

/**
 * What a cache's owner looks at, from one `INFO`: memory used against
 * `maxmemory` (the pressure that makes Redis evict or refuse writes), keys,
 * the hit ratio, evictions, clients against `maxclients`, and the
 * replication offset.
 */
export function redisFigures(info: Record<string, string>): EngineFigure[] {
  const figures: EngineFigure[] = [];
  const add = (figure: EngineFigure | undefined) => {
    if (figure && Number.isFinite(figure.value)) figures.push(figure);
  };
  const maxmemory = Number(info.maxmemory);
  add({
    name: 'usedMemory',
    label: 'Memory used',
    value: Number(info.used_memory),
    unit: 'bytes',
    ...(maxmemory > 0 && { limit: maxmemory }),
  });
  add({ name: 'keys', label: 'Keys', value: keysOf(info), unit: 'count' });
  const hits = Number(info.keyspace_hits);
  const misses = Number(info.keyspace_misses);
  if (hits + misses > 0) {
    add({
      name: 'hitRatio',
      label: 'Hit ratio',
      value: hits / (hits + misses),
      unit: 'ratio',
    });
  }
  add({
    name: 'evictedKeys',
    label: 'Keys evicted',
    value: Number(info.evicted_keys),
    unit: 'count',
  });
  const maxclients = Number(info.maxclients);
  add({
    name: 'connectedClients',
    label: 'Clients',
    value: Number(info.connected_clients),
    unit: 'count',
    ...(maxclients > 0 && { limit: maxclients }),
  });
  add({
    name: 'replicationOffset',
    label: 'Replication offset',
    value: Number(info.master_repl_offset),
    unit: 'count',
  });
  return figures;
}

/** Keys in every logical database (`db0:keys=12,expires=0,…`). */
function keysOf(info: Record<string, string>): number {
  return Object.entries(info)
    .filter(([name]) => /^db[0-9]+$/.test(name))
    .reduce((sum, [, value]) => {
      const keys = /(?:^|,)keys=([0-9]+)/.exec(value);
      return sum + (keys ? Number(keys[1]) : 0);
    }, 0);
}
