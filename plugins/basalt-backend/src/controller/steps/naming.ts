/** Instances are `<cluster>-<ordinal>`; ordinals are never reused while taken. */
export function instanceName(cluster: string, ordinal: number): string {
  return `${cluster}-${ordinal}`;
}

export function ordinalOf(cluster: string, instance: string): number {
  return Number(instance.slice(cluster.length + 1));
}

/** The lowest ordinals not taken by `existing`. */
export function freeOrdinals(
  cluster: string,
  existing: string[],
  count: number,
): number[] {
  const taken = new Set(existing.map(name => ordinalOf(cluster, name)));
  const free: number[] = [];
  for (let ordinal = 0; free.length < count; ordinal++) {
    if (!taken.has(ordinal)) free.push(ordinal);
  }
  return free;
}
