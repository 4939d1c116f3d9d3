import { existsSync } from 'node:fs';
import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { KubeConfig } from '@kubernetes/client-node';
import { durationMs } from '../../config';
import { EngineDriver } from '@basalt/plugin-basalt-node';
import { engineImages, ImagePullPolicy } from './engineImages';
import { NamespaceMapping } from './NamespaceMapping';
import { PodAccess } from './PodAddresses';
import { DEFAULT_HOST_PORTS, NetworkMode, PortRange } from './InstanceNetwork';
import type { KubernetesRuntimeOptions } from './KubernetesRuntime';

const KEY = 'basalt.runtimes.kubernetes';
/** Where a Pod finds its service account's token. */
const SERVICE_ACCOUNT_TOKEN =
  '/var/run/secrets/kubernetes.io/serviceaccount/token';

/**
 * Reads `basalt.runtimes.kubernetes` (see `config.d.ts`): how to reach the
 * API server (a kubeconfig file and context, or the Pod's service account),
 * the namespace mapping, how engines are reached, and the images of the
 * installed engines. A bad value is an error naming its key.
 */
export function readKubernetesConfig(
  config: Config,
  drivers: Pick<EngineDriver, 'engine' | 'process'>[],
): Omit<KubernetesRuntimeOptions, 'logger'> {
  const kubeConfig = new KubeConfig();
  const file = config.getOptionalString('kubeconfig');
  const inCluster =
    config.getOptionalBoolean('inCluster') ??
    (!file && existsSync(SERVICE_ACCOUNT_TOKEN));
  try {
    if (inCluster) {
      kubeConfig.loadFromCluster();
    } else if (file) {
      kubeConfig.loadFromFile(file);
    } else {
      kubeConfig.loadFromDefault();
    }
  } catch (error) {
    throw new InputError(
      `${KEY}: cannot load ${
        inCluster
          ? 'the in-cluster service account'
          : `kubeconfig ${file ?? '(default)'}`
      }: ${(error as Error).message}`,
    );
  }
  const context = config.getOptionalString('context');
  if (context) {
    if (!kubeConfig.getContexts().some(c => c.name === context)) {
      throw new InputError(
        `${KEY}.context: no context '${context}' in the kubeconfig; it has ${kubeConfig
          .getContexts()
          .map(c => c.name)
          .join(', ')}`,
      );
    }
    kubeConfig.setCurrentContext(context);
  }
  if (!kubeConfig.getCurrentCluster()) {
    throw new InputError(
      `${KEY}: no cluster to connect to; set kubeconfig (and context) or run the backend in a Pod`,
    );
  }
  return {
    kubeConfig,
    namespaces: new NamespaceMapping(
      config.getOptionalString('namespace') ?? 'basalt',
      readStringMap(config, 'namespaces'),
    ),
    access: readAccess(config, inCluster),
    network: readNetwork(config),
    images: engineImages(
      drivers,
      readStringMap(config, 'images'),
      readPullPolicy(config),
    ),
    nodeSelector: config.getOptionalString('nodeSelector'),
    clusterDomain: config.getOptionalString('clusterDomain'),
    podStartTimeoutMs: durationMs(config, 'podStartTimeout', { minutes: 5 }),
  };
}

function readAccess(config: Config, inCluster: boolean): PodAccess {
  const access = config.getOptionalString('access');
  if (access === undefined) return inCluster ? 'podNetwork' : 'portForward';
  if (access !== 'podNetwork' && access !== 'portForward') {
    throw new InputError(
      `${KEY}.access: must be podNetwork or portForward, got '${access}'`,
    );
  }
  return access;
}

function readPullPolicy(config: Config): ImagePullPolicy | undefined {
  const policy = config.getOptionalString('imagePullPolicy');
  if (policy === undefined) return undefined;
  if (!['Always', 'IfNotPresent', 'Never'].includes(policy)) {
    throw new InputError(
      `${KEY}.imagePullPolicy: must be Always, IfNotPresent or Never, got '${policy}'`,
    );
  }
  return policy as ImagePullPolicy;
}

function readNetwork(config: Config): {
  mode: NetworkMode;
  hostPorts: PortRange;
} {
  const mode = config.getOptionalString('network') ?? 'pod';
  if (mode !== 'pod' && mode !== 'host') {
    throw new InputError(`${KEY}.network: must be pod or host, got '${mode}'`);
  }
  const range = config.getOptionalString('hostPorts');
  if (range === undefined) return { mode, hostPorts: DEFAULT_HOST_PORTS };
  const match = /^(\d+)-(\d+)$/.exec(range.trim());
  const [from, to] = match ? [Number(match[1]), Number(match[2])] : [0, 0];
  if (!match || from < 1024 || to > 65535 || from > to) {
    throw new InputError(
      `${KEY}.hostPorts: must be FROM-TO with 1024 <= FROM <= TO <= 65535, got '${range}'`,
    );
  }
  return { mode, hostPorts: { from, to } };
}

function readStringMap(config: Config, key: string): Record<string, string> {
  const section = config.getOptionalConfig(key);
  if (!section) return {};
  return Object.fromEntries(
    section.keys().map(name => [name, section.getString(name)]),
  );
}
