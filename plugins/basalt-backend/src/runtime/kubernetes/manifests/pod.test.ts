import { POSTGRESQL_IMAGE } from '../__testUtils__/postgresImage';
import {
  containerResources,
  ENGINE_CONTAINER,
  InstancePodInput,
  instancePod,
} from './pod';

const GiB = 2 ** 30;

function pod(
  resources?: { cpuMillis: number; memoryBytes: number },
  network: InstancePodInput['network'] = {
    hostNetwork: false,
    listen: { host: 'payments-orders-db-0', port: 5432 },
  },
) {
  return instancePod({
    network,
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

  it('names its host after the Pod on the Pod network, where the engine listens on its standard port', () => {
    const { spec } = pod();
    expect(spec!.hostNetwork).toBeUndefined();
    expect(spec!.hostname).toBe('payments-orders-db-0');
    const engine = spec!.containers.find(c => c.name === ENGINE_CONTAINER)!;
    expect(engine.ports).toEqual([
      { name: 'engine', containerPort: 5432, protocol: 'TCP' },
    ]);
  });

  it("runs on the node's network with the instance's own port and probes it there", () => {
    const { spec } = pod(undefined, {
      hostNetwork: true,
      listen: { host: '10.1.2.3', port: 31004 },
    });
    expect(spec).toMatchObject({
      hostNetwork: true,
      dnsPolicy: 'ClusterFirstWithHostNet',
    });
    expect(spec!.hostname).toBeUndefined();
    const engine = spec!.containers.find(c => c.name === ENGINE_CONTAINER)!;
    expect(engine.ports).toEqual([
      { name: 'engine', containerPort: 31004, protocol: 'TCP' },
    ]);
    expect(engine.readinessProbe!.exec!.command).toEqual([
      'pg_isready',
      '--quiet',
      '--host=10.1.2.3',
      '--port=31004',
    ]);
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
