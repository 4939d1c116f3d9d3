import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mockServices } from '@backstage/backend-test-utils';
import { startDataPlane } from '../../__testUtils__/kubernetesBackend';
import { describeRuntimeContract } from '../__testUtils__/describeRuntimeContract';
import { KubernetesRuntime } from './KubernetesRuntime';
import { NamespaceMapping } from './NamespaceMapping';
import { postgresImageOn } from './__testUtils__/postgresImage';

jest.setTimeout(240_000);

describeRuntimeContract('kubernetes', async () => {
  const plane = await startDataPlane(2);
  const nodes = plane.kube.nodeNames();
  // The nodes' pools are directories of this machine's (as a hostPath).
  const poolPath = mkdtempSync(path.join(os.tmpdir(), 'basalt-k8s-pool-'));
  // As the backend runs it: with its ServiceAccount, never as an administrator.
  const runtime = await KubernetesRuntime.create({
    kubeConfig: plane.backendKubeConfig(),
    namespaces: new NamespaceMapping('basalt'),
    access: 'portForward',
    // The nodes are loopback addresses of this machine, without a Pod network.
    network: { mode: 'host', hostPorts: { from: 15000, to: 15099 } },
    images: { postgresql: postgresImageOn(plane.kube) },
    logger: mockServices.logger.mock(),
    podStartTimeoutMs: 120_000,
  });
  return {
    runtime,
    nodes,
    poolPath,
    cleanup: async () => {
      await runtime.stop();
      await plane.stop();
      rmSync(poolPath, { recursive: true, force: true });
    },
  };
});
