import { V1PersistentVolumeClaim, V1Pod } from '@kubernetes/client-node';
import { VolumeUsage } from '@basalt/plugin-basalt-node';
import { PodExec } from './PodExec';
import { ENGINE_CONTAINER, VOLUME_MOUNT } from './manifests/pod';

/** A reading is reused for this long: each one is an exec into the Pod. */
const CACHE_MS = 30_000;

/**
 * How full an instance's volume is: what its directory holds (`du` in the
 * Pod) against the size its claim was given. The directory shares the
 * node's pool filesystem, so the size is the budget placement gave it, and
 * volume protection keeps the engine within it.
 */
export class VolumeUsageReader {
  private readonly readings = new Map<
    string,
    { at: number; usage: Promise<VolumeUsage | undefined> }
  >();

  constructor(private readonly exec: PodExec) {}

  read(
    pod: V1Pod,
    claim: V1PersistentVolumeClaim,
  ): Promise<VolumeUsage | undefined> {
    const uid = pod.metadata!.uid!;
    const cached = this.readings.get(uid);
    if (cached && Date.now() - cached.at < CACHE_MS) return cached.usage;
    const usage = this.measure(pod, claim).catch(() => undefined);
    this.readings.set(uid, { at: Date.now(), usage });
    this.prune();
    return usage;
  }

  private async measure(
    pod: V1Pod,
    claim: V1PersistentVolumeClaim,
  ): Promise<VolumeUsage | undefined> {
    const totalBytes = Number(claim.spec?.resources?.requests?.storage);
    if (!Number.isFinite(totalBytes) || totalBytes <= 0) return undefined;
    const { stdout } = await this.exec.run(
      {
        namespace: pod.metadata!.namespace!,
        pod: pod.metadata!.name!,
        container: ENGINE_CONTAINER,
      },
      ['du', '-s', '-k', VOLUME_MOUNT],
      { timeoutMs: 30_000 },
    );
    const usedBytes = Number(stdout.trim().split(/\s+/)[0]) * 1024;
    if (!Number.isFinite(usedBytes)) return undefined;
    return {
      totalBytes,
      usedBytes,
      freeBytes: Math.max(0, totalBytes - usedBytes),
      dedicated: true,
    };
  }

  /** Forgets readings of Pods long gone. */
  private prune(): void {
    const cutoff = Date.now() - 10 * CACHE_MS;
    for (const [uid, reading] of this.readings) {
      if (reading.at < cutoff) this.readings.delete(uid);
    }
  }
}
