import { CoreV1Event } from '@kubernetes/client-node';
import { InstanceWarningEvent } from '@basalt/plugin-basalt-node';
import { KubeCache } from './KubeCache';
import { instanceOfPod } from './names';

/**
 * Kubernetes counts a repeated warning in one Event (a probe that keeps
 * failing, a back-off): it is reported again after this long at most.
 */
const REPEAT_AFTER_MS = 10 * 60_000;

/**
 * Relays Kubernetes' warning Events about instance Pods (a volume that
 * does not mount, a failing probe, a back-off, an eviction…) as instance
 * warnings, so that they show in the cluster's events. Events already there
 * when the watch began were an earlier backend's to report.
 */
export class PodWarnings {
  /** Per Event uid: the count last reported, and when. */
  private readonly reported = new Map<string, { count: number; at: number }>();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly cache: KubeCache,
    private readonly emit: (event: InstanceWarningEvent) => void,
    private readonly now: () => number = Date.now,
  ) {
    for (const event of cache.allPodWarnings()) {
      this.reported.set(uidOf(event), { count: countOf(event), at: now() });
    }
    this.unsubscribe = cache.onChange(change => {
      if (change.kind !== 'event') return;
      if (change.verb === 'delete') {
        this.reported.delete(uidOf(change.object));
      } else {
        this.seen(change.object);
      }
    });
  }

  close(): void {
    this.unsubscribe();
  }

  private seen(event: CoreV1Event): void {
    const count = countOf(event);
    const before = this.reported.get(uidOf(event));
    if (
      before &&
      (count <= before.count || this.now() - before.at < REPEAT_AFTER_MS)
    ) {
      return;
    }
    // Watched in a namespace Basalt manages, about a Pod in the same one.
    const namespace = event.metadata.namespace ?? '';
    const { name, uid } = event.involvedObject;
    const pod = this.cache.getPod(namespace, name ?? '');
    const instance = pod && instanceOfPod(pod);
    // A Pod gone, or a later one of the same name: not this instance's.
    if (!instance || (uid && uid !== pod.metadata?.uid)) return;
    this.reported.set(uidOf(event), { count, at: this.now() });
    const message = event.message ?? event.reason ?? 'a warning';
    this.emit({
      type: 'instance-warning',
      ...instance,
      reason: event.reason ?? 'Warning',
      message: count > 1 ? `${message} (${count} times)` : message,
      timestamp: new Date(this.now()).toISOString(),
    });
  }
}

function uidOf(event: CoreV1Event): string {
  return event.metadata.uid ?? '';
}

/** How often it happened: `count`, or the newer API's series count. */
function countOf(event: CoreV1Event): number {
  return event.count ?? event.series?.count ?? 1;
}
