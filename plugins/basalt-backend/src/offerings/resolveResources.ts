import { InputError } from '@backstage/errors';
import { EngineCluster, ResourceClass } from '@basalt/plugin-basalt-common';
import { InstanceResources } from '@basalt/plugin-basalt-node';
import { parseQuantity } from '../pools/quantity';

// Cores ("2", "0.5") or millicores ("500m"), as the manifest schema admits.
const CPU = /^([0-9]+(?:\.[0-9]+)?)(m)?$/;

/** Parses a Kubernetes-style CPU quantity into millicores. */
export function parseCpuMillis(value: string): number | undefined {
  const match = CPU.exec(value.trim());
  if (!match) return undefined;
  const [, amount, milli] = match;
  if (milli && amount.includes('.')) return undefined;
  const millis = milli ? Number(amount) : Math.round(Number(amount) * 1000);
  return Number.isSafeInteger(millis) && millis > 0 ? millis : undefined;
}

/**
 * The CPU and memory each instance of a cluster gets: its class's, or the
 * explicit `cpu`/`memory`. Explicit values left out are the smallest
 * class's (`s`), so `{ memory: 8Gi }` alone still has a CPU limit. Throws
 * {@link InputError} for a class that is not offered or a quantity that
 * cannot be read.
 */
export function resolveResources(
  resources: EngineCluster['spec']['resources'],
  classes: ResourceClass[],
): InstanceResources {
  const byName = (name: string) => {
    const found = classes.find(c => c.name === name);
    if (!found) {
      throw new InputError(
        `spec.resources.class: '${name}' is not offered here; offered: ${
          classes.map(c => c.name).join(', ') || 'none'
        }`,
      );
    }
    return found;
  };
  const base = () => byName(resources.class ?? 's');
  const cpu = resources.cpu ?? base().cpu;
  const memory = resources.memory ?? base().memory;
  const cpuMillis = parseCpuMillis(cpu);
  const memoryBytes = parseQuantity(memory);
  if (cpuMillis === undefined) {
    throw new InputError(`spec.resources.cpu: cannot read '${cpu}' as cores`);
  }
  if (!memoryBytes) {
    throw new InputError(
      `spec.resources.memory: cannot read '${memory}' as bytes`,
    );
  }
  return { cpuMillis, memoryBytes };
}
