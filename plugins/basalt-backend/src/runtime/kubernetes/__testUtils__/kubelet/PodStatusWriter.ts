import { CoreV1Api, V1Pod, V1PodStatus } from '@kubernetes/client-node';
import { sleep } from '../../../local/processes';
import { isStatus } from '../../KubeWriter';

/**
 * Writes a Pod's status through the `status` subresource, as kubelet does:
 * one write at a time, only the latest status, only when it changed, and
 * read-modify-write so fields the simulator does not own (e.g. qosClass)
 * are kept. Conflicts are retried with a fresh read.
 */
export class PodStatusWriter {
  private pending: V1PodStatus | undefined;
  private lastWritten = '';
  private running: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly core: CoreV1Api,
    private readonly namespace: string,
    private readonly name: string,
    private readonly uid: string,
  ) {}

  /** Queues `status`, replacing any queued one. */
  write(status: V1PodStatus): void {
    if (this.closed) {
      return;
    }
    this.pending = status;
    this.running = this.running.then(() => this.drain());
  }

  /** Resolves once everything queued so far was written. */
  flush(): Promise<void> {
    return this.running;
  }

  /** Drops what is queued, takes no more, and waits for a write under way. */
  async close(): Promise<void> {
    this.closed = true;
    this.pending = undefined;
    await this.running;
  }

  private async drain(): Promise<void> {
    const status = this.pending;
    this.pending = undefined;
    if (!status || this.closed) {
      return;
    }
    const json = JSON.stringify(status);
    if (json === this.lastWritten) {
      return;
    }
    for (let attempt = 0; attempt < 20 && !this.closed; attempt++) {
      try {
        const pod = await this.core.readNamespacedPod({
          name: this.name,
          namespace: this.namespace,
        });
        if (pod.metadata?.uid !== this.uid) {
          return; // deleted and re-created: not ours to report on
        }
        pod.status = { ...pod.status, ...status };
        await this.core.replaceNamespacedPodStatus({
          name: this.name,
          namespace: this.namespace,
          body: pod,
        });
        this.lastWritten = json;
        return;
      } catch (error) {
        if (isStatus(error, 404)) {
          return;
        }
        // 409: someone wrote in between. Anything else: the API server may
        // be restarting; either way, try again shortly.
        await sleep(isStatus(error, 409) ? 10 : 200);
      }
    }
  }
}

/**
 * Sets a Pod's Ready condition to False, as the node lifecycle controller
 * does for the Pods of an unreachable node, retrying on conflicts.
 */
export async function markPodNotReady(
  core: CoreV1Api,
  pod: V1Pod,
): Promise<void> {
  const name = pod.metadata!.name!;
  const namespace = pod.metadata!.namespace!;
  for (let attempt = 0; attempt < 10; attempt++) {
    try {
      const current = await core.readNamespacedPod({ name, namespace });
      if (current.metadata?.uid !== pod.metadata?.uid) {
        return;
      }
      const conditions = current.status?.conditions ?? [];
      const ready = conditions.find(c => c.type === 'Ready');
      if (ready?.status === 'False') {
        return;
      }
      current.status = {
        ...current.status,
        conditions: [
          ...conditions.filter(c => c.type !== 'Ready'),
          { type: 'Ready', status: 'False', lastTransitionTime: new Date() },
        ],
      };
      await core.replaceNamespacedPodStatus({ name, namespace, body: current });
      return;
    } catch {
      await sleep(100); // a conflict, or the Pod is gone: read again
    }
  }
}
