import {
  CoreV1Api,
  KubeConfig,
  V1Pod,
  V1ResourceRequirements,
} from '@kubernetes/client-node';
import { POSTGRES_PROCESS } from '../../src/engines/postgresql/process';
import { isStatus } from '../../src/runtime/kubernetes/KubeWriter';
import { sleep } from './time';

const NAMESPACE = 'basalt';
const FIRST_PORT = 15900;
const container = POSTGRES_PROCESS.container!;

const isReady = (pod: V1Pod) =>
  pod.status?.conditions?.some(c => c.type === 'Ready' && c.status === 'True');

/**
 * The floor of an instance on Kubernetes, by hand: one Pod of the engine's
 * image on `node`'s network, as the engine's user, that runs `initdb` and
 * starts PostgreSQL on the node's address, with a readiness probe every
 * second (`pg_isready`, the runtime's own readiness command). Per run, the
 * time from the Pod's creation to its Ready condition, polled every 100 ms;
 * each Pod is then deleted without grace and waited for until gone.
 */
export async function measureKubeFloor(
  admin: KubeConfig,
  options: {
    node: string;
    image: string;
    /** The same requests and limits as the cluster's instances get. */
    resources: V1ResourceRequirements;
    runs: number;
  },
): Promise<number[]> {
  const core = admin.makeApiClient(CoreV1Api);
  const node = await core.readNode({ name: options.node });
  const host =
    node.status?.addresses?.find(a => a.type === 'InternalIP')?.address ??
    options.node;
  const times: number[] = [];
  for (let run = 0; run < options.runs; run++) {
    const name = `bench-floor-${run}`;
    const port = FIRST_PORT + run;
    const started = performance.now();
    await core.createNamespacedPod({
      namespace: NAMESPACE,
      body: floorPod(name, options, host, port),
    });
    try {
      for (;;) {
        const pod = await core.readNamespacedPod({
          namespace: NAMESPACE,
          name,
        });
        if (isReady(pod)) break;
        if (pod.status?.phase === 'Failed' || pod.status?.phase === 'Succeeded')
          throw new Error(`${name} ended: ${JSON.stringify(pod.status)}`);
        if (performance.now() - started > 60_000)
          throw new Error(`${name} not Ready after 60 s`);
        await sleep(100);
      }
      times.push(performance.now() - started);
    } finally {
      await core.deleteNamespacedPod({
        namespace: NAMESPACE,
        name,
        gracePeriodSeconds: 0,
      });
      await untilGone(core, name);
    }
  }
  return times;
}

function floorPod(
  name: string,
  options: { node: string; image: string; resources: V1ResourceRequirements },
  host: string,
  port: number,
): V1Pod {
  const script = [
    'initdb -D /tmp/pgdata --auth=trust --no-sync >/dev/null',
    `exec postgres -D /tmp/pgdata -c listen_addresses=${host} -c port=${port} -c unix_socket_directories=/tmp`,
  ].join(' && ');
  return {
    metadata: { name, namespace: NAMESPACE },
    spec: {
      nodeName: options.node,
      hostNetwork: true,
      restartPolicy: 'Never',
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      securityContext: { runAsUser: container.uid, runAsGroup: container.gid },
      containers: [
        {
          name: 'engine',
          image: options.image,
          imagePullPolicy: 'Never',
          command: ['sh', '-c', script],
          readinessProbe: {
            exec: { command: container.readinessCommand(host, port) },
            periodSeconds: 1,
            timeoutSeconds: 2,
          },
          resources: options.resources,
        },
      ],
    },
  };
}

async function untilGone(core: CoreV1Api, name: string): Promise<void> {
  const deadline = performance.now() + 60_000;
  for (;;) {
    const gone = await core
      .readNamespacedPod({ namespace: NAMESPACE, name })
      .then(
        () => false,
        error => {
          if (isStatus(error, 404)) return true;
          throw error;
        },
      );
    if (gone) return;
    if (performance.now() > deadline)
      throw new Error(`${name} still there 60 s after its deletion`);
    await sleep(100);
  }
}
