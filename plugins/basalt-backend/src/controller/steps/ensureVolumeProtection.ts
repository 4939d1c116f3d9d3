import { ClusterReasons, formatBytes } from '@basalt/plugin-basalt-common';
import {
  EngineContext,
  VolumeEnforcement,
  VolumeUsage,
} from '@basalt/plugin-basalt-node';
import { ObservedInstance, ReconcileContext } from '../ReconcileContext';
import { primaryOf } from './probeInstances';

/** When volume protection locks and unlocks writes, in percent full. */
export interface VolumeWatermarks {
  high: number;
  low: number;
}

/** What {@link ensureVolumeProtection} found and did. */
export interface VolumeProtection {
  enforcement: VolumeEnforcement;
  /** Writes are locked because a volume is (or was, and is not yet below the low watermark) too full. */
  locked: boolean;
  message: string;
}

/**
 * Volume protection: when any instance's volume is fuller than the high
 * watermark, the primary is locked read-only before the filesystem fills
 * (a full disk can leave an engine unable even to start); once every volume
 * is below the low watermark, it takes writes again. Between the two the
 * lock stays as it was (remembered in the status), so it does not flap.
 */
export async function ensureVolumeProtection(
  ctx: ReconcileContext,
  engine: EngineContext,
  observed: ObservedInstance[],
): Promise<VolumeProtection | undefined> {
  const primary = primaryOf(observed, ctx.primaryInstance);
  if (!primary) return undefined;
  const enforcement = await ctx.runtime.volumeEnforcement();
  const fullest = await fullestVolume(ctx, observed);
  if (!fullest)
    return { enforcement, locked: false, message: 'No volume usage known' };
  const { high, low } = ctx.volumeWatermarks;
  const percent = (fullest.usage.usedBytes / fullest.usage.totalBytes) * 100;
  const wasLocked = ctx.cluster.status?.conditions.some(
    c => c.type === 'VolumePressure' && c.status === 'True',
  );
  const locked = percent >= high || (!!wasLocked && percent >= low);
  const where = `${fullest.instance}'s volume is ${percent.toFixed(
    0,
  )}% full (${formatBytes(fullest.usage.usedBytes)} of ${formatBytes(
    fullest.usage.totalBytes,
  )})`;
  if (locked !== !!wasLocked) {
    await ctx.driver.setWritesLocked(primary.instance.address, engine, locked);
    await ctx.recordEvent(
      locked ? 'Warning' : 'Normal',
      locked ? ClusterReasons.WritesLocked : ClusterReasons.VolumeHasRoom,
      locked
        ? `Writes locked: ${where}, above the high watermark of ${high}%; they resume below ${low}%`
        : `Writes unlocked: ${where}, below the low watermark of ${low}%`,
    );
  }
  // No live figures in the condition: an unchanged state must leave the
  // status unchanged. The events carry the figures.
  return {
    enforcement,
    locked,
    message: locked
      ? `Writes are refused: ${fullest.instance}'s volume passed the high watermark of ${high}%; they resume below ${low}%. Free space or grow spec.storage.size`
      : `Every volume is below the high watermark of ${high}%`,
  };
}

async function fullestVolume(
  ctx: ReconcileContext,
  observed: ObservedInstance[],
): Promise<{ instance: string; usage: VolumeUsage } | undefined> {
  let fullest: { instance: string; usage: VolumeUsage } | undefined;
  for (const { instance } of observed) {
    const usage = await ctx.runtime.volumeUsage(ctx.key, instance.name);
    if (!usage || usage.totalBytes === 0) continue;
    const share = usage.usedBytes / usage.totalBytes;
    if (
      !fullest ||
      share > fullest.usage.usedBytes / fullest.usage.totalBytes
    ) {
      fullest = { instance: instance.name, usage };
    }
  }
  return fullest;
}
