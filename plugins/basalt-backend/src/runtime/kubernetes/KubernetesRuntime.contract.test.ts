import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mockServices } from '@backstage/backend-test-utils';
import { startDataPlane } from '../../__testUtils__/kubernetesBackend';
import { describeRuntimeContract } from '../__testUtils__/describeRuntimeContract';
import { KubernetesRuntime } from './KubernetesRuntime';
import { NamespaceMapping } from './NamespaceMapping';
import { POSTGRESQL_IMAGE } from './__testUtils__/postgresImage';

jest.setTimeout(240_000);

describeRuntimeContract('kubernetes', async () => {
  const nodes = ['node-a', 'node-b'];
  const plane = await startDataPlane(nodes);
  // The nodes' pools are directories of this machine's (as a hostPath).
  const poolPath = mkdtempSync(path.join(os.tmpdir(), 'basalt-k8s-pool-'));
  // As the backend runs it: with its ServiceAccount, never as an administrator.
  const runtime = await KubernetesRuntime.create({
    kubeConfig: plane.backendKubeConfig(),
    namespaces: new NamespaceMapping('basalt'),
    access: 'portForward',
    images: { postgresql: POSTGRESQL_IMAGE },
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
