import fs from 'node:fs/promises';
import path from 'node:path';
import {
  CoreV1Api,
  V1KeyToPath,
  V1Pod,
  V1Volume,
} from '@kubernetes/client-node';
import { containerUserIds } from './nobody';

/** The bytes of base64-encoded values, as in a Secret's `data`. */
export function decodeBase64Values(
  encoded: Record<string, string> | undefined,
): Record<string, Buffer> {
  const decoded: Record<string, Buffer> = {};
  for (const [key, value] of Object.entries(encoded ?? {})) {
    decoded[key] = Buffer.from(value, 'base64');
  }
  return decoded;
}

/**
 * Writes a ConfigMap's or Secret's keys as files (all keys, or the listed
 * `items`), as kubelet's projection does, owned by the container user.
 */
async function writeKeys(
  dir: string,
  data: Record<string, Buffer>,
  items: V1KeyToPath[] | undefined,
  defaultMode: number,
): Promise<void> {
  const { uid, gid } = containerUserIds();
  const entries = items
    ? items.map(item => {
        if (!(item.key in data)) {
          throw new Error(`no key ${item.key}`);
        }
        return [item.path, data[item.key], item.mode ?? defaultMode] as const;
      })
    : Object.entries(data).map(
        ([key, value]) => [key, value, defaultMode] as const,
      );
  for (const [relative, value, mode] of entries) {
    const file = path.join(dir, relative);
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, value, { mode });
    await fs.chmod(file, mode); // writeFile's mode is filtered by the umask
    await fs.chown(file, uid, gid);
  }
}

/**
 * Makes (or checks) a host directory of a `hostPath` volume. Kubelet creates
 * a DirectoryOrCreate path itself; it is handed to the container user here
 * so that an unprivileged engine can write it.
 */
async function prepareHostPath(hostPath: string, type?: string): Promise<void> {
  if (type === 'DirectoryOrCreate') {
    await fs.mkdir(hostPath, { recursive: true });
    const { uid, gid } = containerUserIds();
    await fs.chown(hostPath, uid, gid);
  } else if (type === 'Directory') {
    if (!(await fs.stat(hostPath)).isDirectory()) {
      throw new Error(`hostPath ${hostPath} is not a directory`);
    }
  }
}

/**
 * Follows a `persistentVolumeClaim` to the host path of its bound
 * PersistentVolume. Throws while the claim is unbound, so the caller retries:
 * nothing binds claims in a test cluster but the test itself.
 */
async function claimHostPath(
  core: CoreV1Api,
  namespace: string,
  claimName: string,
): Promise<string> {
  const claim = await core.readNamespacedPersistentVolumeClaim({
    name: claimName,
    namespace,
  });
  const volumeName = claim.spec?.volumeName;
  if (!volumeName) {
    throw new Error(`PersistentVolumeClaim ${claimName} is not bound yet`);
  }
  const volume = await core.readPersistentVolume({ name: volumeName });
  if (volume.spec?.hostPath) {
    await prepareHostPath(volume.spec.hostPath.path, volume.spec.hostPath.type);
    return volume.spec.hostPath.path;
  }
  if (volume.spec?.local) {
    return volume.spec.local.path;
  }
  throw new Error(
    `PersistentVolume ${volumeName} is neither hostPath nor local: the simulator cannot mount it`,
  );
}

/** Prepares one volume of a Pod and says where it is on the host. */
async function prepareVolume(
  volume: V1Volume,
  pod: V1Pod,
  volumesDir: string,
  core: CoreV1Api,
): Promise<string> {
  const namespace = pod.metadata!.namespace!;
  const { uid, gid } = containerUserIds();
  const own = path.join(volumesDir, volume.name);
  if (volume.persistentVolumeClaim) {
    return claimHostPath(
      core,
      namespace,
      volume.persistentVolumeClaim.claimName,
    );
  }
  if (volume.hostPath) {
    await prepareHostPath(volume.hostPath.path, volume.hostPath.type);
    return volume.hostPath.path;
  }
  if (volume.emptyDir) {
    await fs.mkdir(own, { recursive: true });
    await fs.chmod(own, 0o777); // as kubelet makes emptyDirs
    await fs.chown(own, uid, gid);
    return own;
  }
  if (volume.configMap) {
    const source = volume.configMap;
    const map = await core.readNamespacedConfigMap({
      name: source.name!,
      namespace,
    });
    const data: Record<string, Buffer> = {};
    for (const [key, value] of Object.entries(map.data ?? {})) {
      data[key] = Buffer.from(value, 'utf8');
    }
    for (const [key, value] of Object.entries(map.binaryData ?? {})) {
      data[key] = Buffer.from(value, 'base64');
    }
    await fs.mkdir(own, { recursive: true, mode: 0o755 });
    await writeKeys(own, data, source.items, source.defaultMode ?? 0o644);
    return own;
  }
  if (volume.secret) {
    const source = volume.secret;
    const secret = await core.readNamespacedSecret({
      name: source.secretName!,
      namespace,
    });
    const data = decodeBase64Values(secret.data);
    // Only the container user may even list a Secret's files.
    await fs.mkdir(own, { recursive: true, mode: 0o700 });
    await fs.chmod(own, 0o700);
    await fs.chown(own, uid, gid);
    await writeKeys(own, data, source.items, source.defaultMode ?? 0o644);
    return own;
  }
  throw new Error(
    `volume ${volume.name}: only persistentVolumeClaim, hostPath, emptyDir, configMap and secret are simulated`,
  );
}

/**
 * Prepares every volume of a Pod, with per-Pod files under `volumesDir`,
 * and maps volume names to host paths. Throws when one is not ready (e.g.
 * an unbound claim or a missing Secret); preparing again is harmless.
 */
export async function preparePodVolumes(
  pod: V1Pod,
  volumesDir: string,
  core: CoreV1Api,
): Promise<Map<string, string>> {
  const prepared = new Map<string, string>();
  for (const volume of pod.spec?.volumes ?? []) {
    try {
      prepared.set(
        volume.name,
        await prepareVolume(volume, pod, volumesDir, core),
      );
    } catch (error) {
      throw new Error(
        `volume ${volume.name}: ${(error as Error).message ?? error}`,
      );
    }
  }
  return prepared;
}

/**
 * Writes a Pod's hosts file the way kubelet manages /etc/hosts: localhost,
 * and the Pod's own name (with its FQDN under a headless Service subdomain)
 * on its Pod IP.
 */
export async function writeHostsFile(
  pod: V1Pod,
  podIP: string,
  file: string,
): Promise<void> {
  const hostname = pod.spec?.hostname ?? pod.metadata!.name!;
  const names = [hostname];
  if (pod.spec?.subdomain) {
    names.unshift(
      `${hostname}.${pod.spec.subdomain}.${
        pod.metadata!.namespace
      }.svc.cluster.local`,
    );
  }
  const lines = [
    '# Kubernetes-managed hosts file (simulated).',
    '127.0.0.1\tlocalhost',
    '::1\tlocalhost ip6-localhost ip6-loopback',
    `${podIP}\t${names.join('\t')}`,
    ...(pod.spec?.hostAliases ?? []).map(
      alias => `${alias.ip}\t${(alias.hostnames ?? []).join('\t')}`,
    ),
  ];
  await fs.writeFile(file, `${lines.join('\n')}\n`, { mode: 0o644 });
}
