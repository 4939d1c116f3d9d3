import fs from 'node:fs/promises';
import path from 'node:path';
import { V1Container } from '@kubernetes/client-node';
import { CONTAINER_USER, containerUserIds } from './nobody';

/** A bind mount into a container's private view of the host. */
export interface ContainerMount {
  /** The host file or directory. */
  source: string;
  /** Where the container sees it. */
  target: string;
  readOnly: boolean;
  /** Whether `source` is a file (the mount point is then a file too). */
  isFile: boolean;
}

/** Everything a container's processes are set up with, exec'd ones too. */
export interface ContainerSetup {
  /** Names the container in the wrapper's comment, e.g. `ns/pod/c`. */
  title: string;
  mounts: ContainerMount[];
  env: ReadonlyMap<string, string>;
  workingDir?: string;
}

/**
 * The environment variable that tells a container's wrapper it runs an
 * exec'd command inside the running container, whose mounts are made.
 */
export const EXEC_MARK = 'EXEC_IN';

/** Quotes a word for a POSIX shell. */
function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * The bind mounts of a container: its volumeMounts (with `subPath`, created
 * when missing as kubelet does), the image's private writable directories
 * and the Pod's hosts file over /etc/hosts. Parents come before children so
 * that a mount inside another one stays visible.
 */
export async function containerMounts(
  container: V1Container,
  volumes: ReadonlyMap<string, string>,
  writableDirs: ReadonlyMap<string, string>,
  hostsFile: string,
): Promise<ContainerMount[]> {
  const mounts: ContainerMount[] = [];
  for (const mount of container.volumeMounts ?? []) {
    const volume = volumes.get(mount.name);
    if (volume === undefined) {
      throw new Error(`volumeMount ${mount.name}: no such volume in the Pod`);
    }
    let source = volume;
    if (mount.subPath) {
      source = path.join(volume, mount.subPath);
      if (path.relative(volume, source).startsWith('..')) {
        throw new Error(`volumeMount ${mount.name}: subPath leaves the volume`);
      }
      try {
        await fs.stat(source);
      } catch {
        await fs.mkdir(source, { recursive: true });
        const { uid, gid } = containerUserIds();
        await fs.chown(source, uid, gid);
      }
    }
    const isFile = !(await fs.stat(source)).isDirectory();
    mounts.push({
      source,
      target: mount.mountPath,
      readOnly: !!mount.readOnly,
      isFile,
    });
  }
  for (const [target, source] of writableDirs) {
    mounts.push({ source, target, readOnly: false, isFile: false });
  }
  const depth = (p: string) => path.resolve(p).split('/').length;
  mounts.sort((a, b) => depth(a.target) - depth(b.target));
  mounts.push({
    source: hostsFile,
    target: '/etc/hosts',
    readOnly: false,
    isFile: true,
  });
  return mounts;
}

/**
 * Writes the shell wrapper every process of a container is started with.
 * For the main process, run inside a new private mount namespace, it
 * bind-mounts the container's mounts; an exec'd command (`$EXEC_IN`
 * set, see {@link EXEC_MARK}) enters that namespace instead and finds them
 * there. Either then changes to the working directory and execs `"$@"` as
 * the unprivileged user with exactly the container's environment. The
 * binaries are the host's: only the view of the file system and the user
 * change.
 */
export async function writeContainerWrapper(
  file: string,
  setup: ContainerSetup,
): Promise<void> {
  const lines = [
    '#!/bin/sh',
    `# Runs a process of container ${setup.title}.`,
    'set -e',
    `if [ -z "\${${EXEC_MARK}:-}" ]; then`,
    '  :',
  ];
  for (const mount of setup.mounts) {
    const target = shellQuote(mount.target);
    if (mount.isFile) {
      lines.push(
        `mkdir -p ${shellQuote(path.dirname(mount.target))}`,
        `[ -e ${target} ] || : > ${target}`,
      );
    } else {
      lines.push(`mkdir -p ${target}`);
    }
    lines.push(`mount --bind ${shellQuote(mount.source)} ${target}`);
    if (mount.readOnly) {
      lines.push(`mount -o remount,bind,ro ${target}`);
    }
  }
  lines.push('fi');
  if (setup.workingDir) {
    const dir = shellQuote(setup.workingDir);
    lines.push(`mkdir -p ${dir}`, `cd ${dir}`);
  }
  const env = [...setup.env].map(([k, v]) => shellQuote(`${k}=${v}`));
  lines.push(
    // --pdeathsig after the user change (which would clear it): should the
    // test runner die, the kernel kills the container's main process.
    `exec setpriv --reuid=${CONTAINER_USER} --regid=${
      containerUserIds().gid
    } --init-groups --pdeathsig KILL -- \\`,
    `  env -i -- ${env.join(' ')} "$@"`,
  );
  await fs.writeFile(file, `${lines.join('\n')}\n`, { mode: 0o700 });
}
