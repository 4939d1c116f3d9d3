import { POSTGRESQL_IMAGE } from '../__testUtils__/postgresImage';
import { containerResources, ENGINE_CONTAINER, instancePod } from './pod';

const GiB = 2 ** 30;

function pod(resources?: { cpuMillis: number; memoryBytes: number }) {
  return instancePod({
    cluster: { namespace: 'payments', name: 'orders-db', uid: 'uid-1' },
    kubeNamespace: 'basalt-payments',
    instance: 'orders-db-0',
    node: 'node-a',
    image: POSTGRESQL_IMAGE,
    server: { program: 'postgres', args: ['-D', '/var/lib/basalt/data'] },
    owner: {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      name: 'anchor',
      uid: 'anchor-1',
    },
    ...(resources && { resources }),
  });
}

const engineContainer = (resources?: {
  cpuMillis: number;
  memoryBytes: number;
}) => pod(resources).spec!.containers.find(c => c.name === ENGINE_CONTAINER)!;

describe('instancePod', () => {
  it("requests and limits the engine container to the class's CPU and memory", () => {
    // Class m by default: 2 cores, 4 GiB.
    expect(
      engineContainer({ cpuMillis: 2000, memoryBytes: 4 * GiB }).resources,
    ).toEqual({
      requests: { cpu: '2000m', memory: '4Gi' },
      limits: { cpu: '2000m', memory: '4Gi' },
    });
  });

  it('sets no resources when none are asked for', () => {
    expect(engineContainer().resources).toBeUndefined();
  });
});

describe('containerResources', () => {
  it.each([
    [{ cpuMillis: 500, memoryBytes: 512 * 2 ** 20 }, '500m', '512Mi'],
    [{ cpuMillis: 1000, memoryBytes: GiB + 2 ** 10 }, '1000m', '1048577Ki'],
    [{ cpuMillis: 250, memoryBytes: 1000 }, '250m', '1000'],
  ])('gives %o as cpu %s and memory %s', (resources, cpu, memory) => {
    expect(containerResources(resources)).toEqual({
      requests: { cpu, memory },
      limits: { cpu, memory },
    });
  });
});
