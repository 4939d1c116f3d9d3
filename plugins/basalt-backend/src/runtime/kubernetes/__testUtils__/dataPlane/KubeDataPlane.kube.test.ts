import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import { promisify } from 'node:util';
import { CoreV1Api, V1Pod } from '@kubernetes/client-node';
import { eventually } from '../../../../testUtils/eventually';
import { KubeDataPlane, startKubeDataPlane } from './KubeDataPlane';

const run = promisify(execFile);

jest.setTimeout(180_000);

const SYSCTLS = [
  '/proc/sys/kernel/panic',
  '/proc/sys/kernel/panic_on_oops',
  '/proc/sys/vm/overcommit_memory',
];

const readSysctls = () =>
  Promise.all(SYSCTLS.map(file => fs.readFile(file, 'utf8')));

/** A Pod that runs `sh -c script` from the PostgreSQL image on `node`. */
function shellPod(
  name: string,
  node: string,
  image: string,
  script: string,
): V1Pod {
  return {
    metadata: { name, namespace: 'default' },
    spec: {
      nodeName: node,
      hostNetwork: true,
      automountServiceAccountToken: false,
      terminationGracePeriodSeconds: 1,
      containers: [
        {
          name: 'main',
          image,
          imagePullPolicy: 'Never',
          command: ['sh', '-c', script],
          securityContext: { runAsUser: 65534, runAsGroup: 65534 },
          readinessProbe: {
            exec: { command: ['test', '-e', '/tmp/ready'] },
            periodSeconds: 1,
          },
        },
      ],
    },
  };
}

describe('the real Kubernetes data plane', () => {
  let plane: KubeDataPlane | undefined;
  let sysctlsBefore: string[];

  beforeAll(async () => {
    sysctlsBefore = await readSysctls();
    plane = await startKubeDataPlane({ nodes: 2 });
  }, 180_000);

  afterAll(async () => {
    await plane?.stop();
  }, 120_000);

  it('runs a Pod on a real kubelet, with logs, exec and readiness', async () => {
    const core = plane!.apiServer.kubeConfig().makeApiClient(CoreV1Api);
    const [node] = plane!.nodeNames();
    await core.createNamespacedPod({
      namespace: 'default',
      body: shellPod(
        'hello',
        node,
        plane!.images.postgresql.ref,
        'echo "hello from $(id -u)"; touch /tmp/ready; exec sleep 3600',
      ),
    });
    await eventually(
      async () => {
        const pod = await core.readNamespacedPod({
          namespace: 'default',
          name: 'hello',
        });
        return (
          pod.status?.conditions?.some(
            c => c.type === 'Ready' && c.status === 'True',
          ) || undefined
        );
      },
      { timeoutMs: 60_000, what: 'the Pod to become Ready' },
    );
    // The kubelets set their kernel settings on copies, never the host's.
    expect(await readSysctls()).toEqual(sysctlsBefore);
    const log = await core.readNamespacedPodLog({
      namespace: 'default',
      name: 'hello',
    });
    expect(log).toContain('hello from 65534');
  });

  it('shows a node whose kubelet stopped as NotReady, and Ready once back', async () => {
    const core = plane!.apiServer.kubeConfig().makeApiClient(CoreV1Api);
    const [, node] = plane!.nodeNames();
    await plane!.loseNode(node);
    const lost = await core.readNode({ name: node });
    expect(
      lost.status!.conditions!.find(c => c.type === 'Ready')!.status,
    ).not.toBe('True');
    await plane!.restoreNode(node);
    const back = await core.readNode({ name: node });
    expect(back.status!.conditions!.find(c => c.type === 'Ready')!.status).toBe(
      'True',
    );
  });

  it('leaves nothing running and the host as it was when stopped', async () => {
    await plane!.stop();
    const { stdout } = await run('sh', [
      '-c',
      "pgrep -af 'containerd|kubelet|kube-|etcd' || true",
    ]);
    expect(
      stdout.split('\n').filter(line => line.includes('basalt-plane')),
    ).toEqual([]);
    expect(await readSysctls()).toEqual(sysctlsBefore);
  });
});
