import fs from 'node:fs/promises';
import path from 'node:path';
import { CoreV1Api, V1Container, V1Pod } from '@kubernetes/client-node';
import { containerCommand, resolveContainerEnv } from './containerEnv';
import { containerMounts, writeContainerWrapper } from './containerWrapper';
import { SimulatedImage } from './images';
import { containerUserIds } from './nobody';

/** A Pod's prepared files, shared by its containers. */
export interface PodFiles {
  /** The Pod's own directory (wrappers, logs, private directories). */
  dir: string;
  podIP: string;
  hostsFile: string;
  /** Host paths by volume name. */
  volumes: ReadonlyMap<string, string>;
}

/** A container ready to start: its wrapper and command line. */
export interface PreparedContainer {
  wrapper: string;
  command: string[];
  logFile: string;
}

/** The log file of a container of a Pod. */
export function containerLogFile(podDir: string, container: string): string {
  return path.join(podDir, 'logs', `${container}.log`);
}

/**
 * Makes the image's writable directories (e.g. a socket directory) private
 * to this container, owned by the container user, as the image would have
 * them.
 */
async function privateWritableDirs(
  podDir: string,
  container: string,
  image: SimulatedImage,
): Promise<Map<string, string>> {
  const dirs = new Map<string, string>();
  const { uid, gid } = containerUserIds();
  for (const target of image.writableDirs ?? []) {
    const source = path.join(
      podDir,
      'private',
      container,
      target.replace(/[^A-Za-z0-9]+/g, '_'),
    );
    await fs.mkdir(source, { recursive: true });
    await fs.chown(source, uid, gid);
    dirs.set(target, source);
  }
  return dirs;
}

/**
 * Resolves a container's environment, mounts and command and writes its
 * wrapper. Throws (a CreateContainerConfigError in kubelet's terms) when,
 * e.g., a referenced Secret is missing.
 */
export async function prepareContainer(
  container: V1Container,
  pod: V1Pod,
  image: SimulatedImage,
  files: PodFiles,
  core: CoreV1Api,
): Promise<PreparedContainer> {
  const env = await resolveContainerEnv(container, {
    pod,
    podIP: files.podIP,
    image,
    core,
  });
  const command = containerCommand(container, env);
  const mounts = await containerMounts(
    container,
    files.volumes,
    await privateWritableDirs(files.dir, container.name, image),
    files.hostsFile,
  );
  const wrapper = path.join(files.dir, 'wrappers', `${container.name}.sh`);
  await fs.mkdir(path.dirname(wrapper), { recursive: true });
  await writeContainerWrapper(wrapper, {
    title: `${pod.metadata!.namespace}/${pod.metadata!.name}/${container.name}`,
    mounts,
    env,
    workingDir: container.workingDir,
  });
  const logFile = containerLogFile(files.dir, container.name);
  await fs.mkdir(path.dirname(logFile), { recursive: true });
  return { wrapper, command, logFile };
}
