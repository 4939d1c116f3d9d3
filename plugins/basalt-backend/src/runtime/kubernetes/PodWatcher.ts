import { V1Pod } from '@kubernetes/client-node';
import { RuntimeEvent } from '@basalt/plugin-basalt-node';
import { KubeCache } from './KubeCache';
import { instanceOfPod } from './names';
import { engineStarted, engineStatus, lastExit, nodeIsReady } from './podState';

/**
 * Turns what the watches see into instance events, so the controller acts
 * at once rather than at its next resync: an engine that exited or
 * restarted, a started instance's Pod deleted behind Basalt's back, and a
 * node that stopped being ready under its instances.
 */
export class PodWatcher {
  private readonly restarts = new Map<string, number>();
  private readonly nodesReady = new Map<string, boolean>();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly cache: KubeCache,
    private readonly emit: (event: RuntimeEvent) => void,
  ) {
    // Pods that existed before the watch: their restarts so far are known.
    for (const pod of cache.allPods()) {
      this.restarts.set(
        pod.metadata?.uid ?? '',
        engineStatus(pod)?.restartCount ?? 0,
      );
    }
    this.unsubscribe = cache.onChange(change => {
      if (change.kind === 'pod') this.podChanged(change.verb, change.object);
      if (change.kind === 'node') {
        this.nodeChanged(change.object.metadata?.name ?? '');
      }
    });
  }

  close(): void {
    this.unsubscribe();
  }

  private podChanged(verb: 'add' | 'update' | 'delete', pod: V1Pod): void {
    const uid = pod.metadata?.uid ?? '';
    if (!instanceOfPod(pod)) return;
    if (verb === 'delete') {
      this.restarts.delete(uid);
      if (engineStarted(pod)) this.exited(pod, 'its Pod was deleted');
      return;
    }
    const count = engineStatus(pod)?.restartCount ?? 0;
    const before = this.restarts.get(uid);
    this.restarts.set(uid, count);
    if (before !== undefined && count > before && engineStarted(pod)) {
      this.exited(pod, lastExit(pod) ?? 'the engine restarted');
    }
  }

  /** Reports the instances of a node that just stopped being ready. */
  private nodeChanged(node: string): void {
    const ready = nodeIsReady(this.cache.getNode(node));
    const before = this.nodesReady.get(node);
    this.nodesReady.set(node, ready);
    if (ready || before === false) return;
    for (const pod of this.cache.allPods()) {
      if (pod.spec?.nodeName === node && instanceOfPod(pod)) {
        this.exited(pod, `node ${node} is not ready`);
      }
    }
  }

  private exited(pod: V1Pod, message: string): void {
    this.emit({
      type: 'instance-exited',
      ...instanceOfPod(pod)!,
      message,
      timestamp: new Date().toISOString(),
    });
  }
}
