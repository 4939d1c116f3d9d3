import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError } from '@backstage/errors';
import {
  ClusterKey,
  VolumeEnforcement,
  VolumeRequest,
  VolumeUsage,
} from '@basalt/plugin-basalt-node';
import { EngineUser, makeEngineDir } from './engineUser';
import { instanceLabel, InstancePaths, InstanceVolumeRecord } from './layout';
import { BlkioThrottle } from './volumes/BlkioThrottle';
import { volumeCapabilities } from './volumes/capabilities';
import {
  ensureVolume,
  expandVolume,
  MIN_VOLUME_BYTES,
  removeVolume,
  volumeUsage,
} from './volumes/LoopVolume';
import { ServerSpec } from './ProcessSupervisor';

const BLOCK_SIZE = 4096;

/** What {@link InstanceVolumes} works with. */
export interface InstanceVolumesOptions {
  /** `basalt.runtimes.local.volumes.enforce`: false keeps plain directories. */
  enforce: boolean;
  user: EngineUser;
  logger: LoggerService;
  /** The blkio hierarchy's mount point; tests may replace it. */
  blkioRoot?: string;
}

/**
 * Instances' volumes on the local runtime: each instance that asks for one
 * gets a sparse loop-mounted xfs image in its pool (a hard capacity cap) and
 * a blkio throttle group its server runs in (a hard throughput cap). Without
 * enforcement, or without a requested volume, instances keep their data in a
 * plain directory, as before volumes existed.
 */
export class InstanceVolumes {
  constructor(private readonly options: InstanceVolumesOptions) {}

  /** Whether volume limits are enforced here, and if not, why. */
  async enforcement(): Promise<VolumeEnforcement> {
    if (!this.options.enforce) {
      return {
        enforced: false,
        reason: 'turned off by basalt.runtimes.local.volumes.enforce',
      };
    }
    return volumeCapabilities();
  }

  /**
   * The volume a new instance gets, to record before it is made; undefined
   * for a plain directory. An image already at its path is not this
   * instance's (a new instance has none yet): it is refused rather than
   * adopted, since removing the instance later would delete it.
   */
  async plan(
    cluster: ClusterKey,
    name: string,
    paths: InstancePaths,
    volume: VolumeRequest | undefined,
  ): Promise<InstanceVolumeRecord | undefined> {
    if (!volume || !(await this.enforcement()).enforced) return undefined;
    const imagePath = path.join(
      volume.poolPath,
      cluster.namespace,
      cluster.name,
      `${name}.img`,
    );
    const exists = await fs.stat(imagePath).then(
      () => true,
      () => false,
    );
    if (exists) {
      throw new ConflictError(
        `Cannot create instance ${instanceLabel(
          cluster,
          name,
        )}: its volume image ${imagePath} already exists and is not its own; remove it or use another name`,
      );
    }
    return {
      pool: volume.pool,
      imagePath,
      mountPath: paths.volumeDir,
      throttleGroup: throttleGroupName(cluster, name),
    };
  }

  /**
   * Makes sure the volume is mounted (adopting what is already there, e.g.
   * after a restart), grows it online when `request` asks for more, creates
   * the engine's data directory in it, and sets the throttle group's limits,
   * so changed limits apply to a running server at once. Without `request`
   * (the controller asks for no volume any more) the volume keeps its size
   * and limits: the data lives there and must stay reachable.
   */
  async ensure(
    record: InstanceVolumeRecord,
    dataDir: string,
    request: VolumeRequest | undefined,
  ): Promise<void> {
    const location = {
      imagePath: record.imagePath,
      mountPath: record.mountPath,
    };
    const wanted = volumeBytes(request?.sizeBytes ?? 0);
    let state = await ensureVolume({ ...location, sizeBytes: wanted });
    if (state.sizeBytes < wanted) {
      state = await expandVolume({ ...location, sizeBytes: wanted });
      this.options.logger.info(
        `Grew volume ${record.imagePath} to ${state.sizeBytes} bytes`,
      );
    }
    await this.ensureDataDir(dataDir);
    const throttle = await this.throttle(record);
    if (request) {
      // 0 writes 0, which the kernel takes as "no limit".
      const bps = request.throughputBytesPerSec;
      await throttle.setLimits(state.device, {
        readBytesPerSecond: bps,
        writeBytesPerSecond: bps,
      });
    }
  }

  /**
   * The server's command, started inside the instance's throttle group so
   * the postmaster and every backend it forks are throttled from their first
   * write. The wrapper drops to the engine user itself, so it is spawned as
   * the backend's user (root).
   */
  async wrapServer(
    record: InstanceVolumeRecord,
    spec: ServerSpec,
  ): Promise<ServerSpec> {
    const { user } = this.options;
    const throttle = await this.throttle(record);
    const wrapped = throttle.wrapCommand(
      spec.program,
      spec.args,
      user.switched ? user : undefined,
    );
    return {
      ...spec,
      program: wrapped.file,
      args: wrapped.args,
      switchesUser: true,
    };
  }

  /**
   * Removes the throttle group and the volume with its data; call it once
   * the server is stopped. Whatever is already gone counts as done.
   */
  async remove(record: InstanceVolumeRecord): Promise<void> {
    await this.removeThrottle(record);
    await removeVolume({
      imagePath: record.imagePath,
      mountPath: record.mountPath,
    });
    // The image's cluster and namespace directories, once empty; never the
    // pool's own directory.
    const clusterDir = path.dirname(record.imagePath);
    for (const dir of [clusterDir, path.dirname(clusterDir)]) {
      const removed = await fs.rmdir(dir).then(
        () => true,
        () => false,
      );
      if (!removed) break;
    }
  }

  /** How full the volume is. */
  async usage(record: InstanceVolumeRecord): Promise<VolumeUsage> {
    return { ...(await volumeUsage(record.mountPath)), dedicated: true };
  }

  private async ensureDataDir(dataDir: string): Promise<void> {
    await makeEngineDir(dataDir, this.options.user);
  }

  private throttle(record: InstanceVolumeRecord): Promise<BlkioThrottle> {
    return BlkioThrottle.ensure({
      name: record.throttleGroup,
      root: this.options.blkioRoot,
    });
  }

  /**
   * The kernel refuses to remove a group while processes are in it: a
   * server's last backends may leave a moment after the postmaster.
   */
  private async removeThrottle(record: InstanceVolumeRecord): Promise<void> {
    const throttle = await this.throttle(record);
    for (let attempt = 0; ; attempt++) {
      try {
        await throttle.remove();
        return;
      } catch (error) {
        if (!(error instanceof ConflictError) || attempt >= 50) throw error;
        await new Promise(resolve => setTimeout(resolve, 100));
      }
    }
  }
}

/**
 * The image size for a requested size: rounded up to whole 4 KiB blocks,
 * and at least the smallest volume xfs can hold (300 MiB), so a smaller
 * request gets a bigger volume than it asked for rather than none.
 */
export function volumeBytes(sizeBytes: number): number {
  const rounded = Math.ceil(sizeBytes / BLOCK_SIZE) * BLOCK_SIZE;
  return Math.max(rounded, MIN_VOLUME_BYTES);
}

/**
 * A throttle group name for the instance: readable, and unique through a
 * hash of the cluster's uid, since names may differ only in case or in
 * where the dots fall (`a.b`/`c` and `a`/`b.c`), which the readable part
 * cannot tell apart.
 */
export function throttleGroupName(cluster: ClusterKey, name: string): string {
  const readable = `${cluster.namespace}.${cluster.name}.${name}`
    .toLowerCase()
    .replace(/[^a-z0-9_.-]/g, '-')
    .slice(0, 100);
  const hash = createHash('sha256')
    .update(`${cluster.uid}/${name}`)
    .digest('hex')
    .slice(0, 10);
  return `${readable}-${hash}`;
}
