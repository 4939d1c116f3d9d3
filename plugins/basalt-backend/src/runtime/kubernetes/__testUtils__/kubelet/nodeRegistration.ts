import os from 'node:os';
import {
  CoreV1Api,
  V1Node,
  V1NodeCondition,
  V1NodeStatus,
} from '@kubernetes/client-node';
import { isStatus } from '../../KubeWriter';
import { KUBE_VERSION } from '../apiServer';

/** The version the simulated kubelets claim, that of the API server. */
const KUBELET_VERSION = `v${KUBE_VERSION}`;

type ConditionStatus = 'True' | 'Unknown';

/** The node conditions kubelet posts, or the node controller's Unknown ones. */
function nodeConditions(
  status: ConditionStatus,
  previous: V1NodeCondition[] | undefined,
): V1NodeCondition[] {
  const now = new Date();
  const kubelet: Array<[string, string, string, string]> = [
    ['Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'],
    [
      'MemoryPressure',
      'False',
      'KubeletHasSufficientMemory',
      'kubelet has sufficient memory available',
    ],
    [
      'DiskPressure',
      'False',
      'KubeletHasNoDiskPressure',
      'kubelet has no disk pressure',
    ],
    [
      'PIDPressure',
      'False',
      'KubeletHasSufficientPID',
      'kubelet has sufficient PID available',
    ],
  ];
  return kubelet.map(([type, ok, reason, message]) => {
    const value = status === 'True' ? ok : 'Unknown';
    const before = previous?.find(c => c.type === type);
    return {
      type,
      status: value,
      reason: status === 'True' ? reason : 'NodeStatusUnknown',
      message:
        status === 'True' ? message : 'Kubelet stopped posting node status.',
      // The node controller does not heartbeat: it keeps the last one.
      lastHeartbeatTime: status === 'True' ? now : before?.lastHeartbeatTime,
      lastTransitionTime:
        before?.status === value ? before.lastTransitionTime : now,
    };
  });
}

function nodeStatus(
  name: string,
  port: number,
  status: ConditionStatus,
  previous: V1NodeStatus | undefined,
): V1NodeStatus {
  const resources = {
    cpu: String(os.cpus().length),
    memory: `${Math.floor(os.totalmem() / 1024)}Ki`,
    pods: '110',
    'ephemeral-storage': '100Gi',
  };
  return {
    conditions: nodeConditions(status, previous?.conditions),
    addresses: [
      { type: 'InternalIP', address: '127.0.0.1' },
      { type: 'Hostname', address: name },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: port } },
    capacity: resources,
    allocatable: resources,
    nodeInfo: {
      architecture: os.arch() === 'x64' ? 'amd64' : os.arch(),
      bootID: '',
      containerRuntimeVersion: 'simulated://1.0.0',
      kernelVersion: os.release(),
      kubeProxyVersion: KUBELET_VERSION,
      kubeletVersion: KUBELET_VERSION,
      machineID: name,
      operatingSystem: 'linux',
      osImage: 'Basalt kubelet simulator',
      systemUUID: name,
    },
  };
}

/**
 * Sets a Node's status by read-modify-write of its `status` subresource,
 * retrying on conflicts.
 */
async function replaceStatus(
  core: CoreV1Api,
  name: string,
  port: number,
  status: ConditionStatus,
): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const node = await core.readNode({ name });
    node.status = {
      ...node.status,
      ...nodeStatus(name, port, status, node.status),
    };
    try {
      await core.replaceNodeStatus({ name, body: node });
      return;
    } catch (error) {
      if (!isStatus(error, 409) || attempt >= 10) {
        throw error;
      }
    }
  }
}

/**
 * Registers a Node as kubelet does (or takes over an existing one), Ready,
 * reachable on 127.0.0.1 at the given kubelet port.
 */
export async function registerNode(
  core: CoreV1Api,
  name: string,
  port: number,
): Promise<void> {
  const body: V1Node = {
    metadata: {
      name,
      labels: {
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
      },
    },
    spec: {},
    status: nodeStatus(name, port, 'True', undefined),
  };
  try {
    await core.createNode({ body });
  } catch (error) {
    if (!isStatus(error, 409)) {
      throw error;
    }
    await replaceStatus(core, name, port, 'True');
  }
}

/** Posts a heartbeat: the Node is Ready as of now. */
export function heartbeat(
  core: CoreV1Api,
  name: string,
  port: number,
): Promise<void> {
  return replaceStatus(core, name, port, 'True');
}

/**
 * Marks a Node's conditions Unknown, as the node lifecycle controller does
 * once its kubelet stops posting status.
 */
export function markNodeUnknown(
  core: CoreV1Api,
  name: string,
  port: number,
): Promise<void> {
  return replaceStatus(core, name, port, 'Unknown');
}
