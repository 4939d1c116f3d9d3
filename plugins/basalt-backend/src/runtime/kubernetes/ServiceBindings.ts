import { isDeepStrictEqual } from 'node:util';
import { AccountBinding, ClusterKey } from '@basalt/plugin-basalt-node';
import { KubeCache } from './KubeCache';
import { KubeWriter } from './KubeWriter';
import { writeOwnSecret } from './writeOwnSecret';
import {
  BINDING_COMPONENT,
  bindingEntriesIn,
  bindingSecret,
} from './manifests/binding';
import { OwnerObject } from './manifests/owner';
import { LABELS, ObjectNames, ofCluster } from './names';

/**
 * Each account's Service Binding Secret, exactly the accounts asked for:
 * written when its entries changed (a rotated password, a moved endpoint, a
 * renewed CA), removed when its account left the manifest, and all removed
 * with the cluster's credentials.
 */
export class ServiceBindings {
  /**
   * The binding Secrets last made exact, by cluster uid: the namespace's
   * Secrets are searched for stale ones only when the accounts changed (or
   * after a restart), not on every pass of every cluster.
   */
  private readonly exact = new Map<string, string>();

  constructor(
    private readonly cache: KubeCache,
    private readonly writer: KubeWriter,
    private readonly ensureOwner: (
      cluster: ClusterKey,
      kubeNamespace: string,
    ) => Promise<OwnerObject>,
  ) {}

  async ensure(
    cluster: ClusterKey,
    kubeNamespace: string,
    bindings: AccountBinding[],
  ): Promise<void> {
    const names = new ObjectNames(cluster);
    for (const binding of bindings) {
      const name = names.bindingSecret(binding.account);
      const current = ofCluster(
        cluster,
        this.cache.getSecret(kubeNamespace, name),
      );
      if (
        current &&
        isDeepStrictEqual(bindingEntriesIn(current), binding.entries)
      ) {
        continue;
      }
      const owner = await this.ensureOwner(cluster, kubeNamespace);
      await this.write(cluster, kubeNamespace, binding, owner);
    }
    const wanted = new Set(bindings.map(b => names.bindingSecret(b.account)));
    const key = [...wanted].sort().join(',');
    if (this.exact.get(cluster.uid) === key) return;
    for (const stale of this.of(cluster, kubeNamespace)) {
      if (!wanted.has(stale)) {
        await this.writer.deleteSecret(kubeNamespace, stale);
      }
    }
    this.exact.set(cluster.uid, key);
  }

  async remove(cluster: ClusterKey, kubeNamespace: string): Promise<void> {
    this.exact.delete(cluster.uid);
    for (const name of this.of(cluster, kubeNamespace)) {
      await this.writer.deleteSecret(kubeNamespace, name);
    }
  }

  /** Writes the binding and waits until the cache sees it as written. */
  private async write(
    cluster: ClusterKey,
    kubeNamespace: string,
    binding: AccountBinding,
    owner: OwnerObject,
  ): Promise<void> {
    const body = bindingSecret({ cluster, kubeNamespace, binding, owner });
    await writeOwnSecret({
      cache: this.cache,
      writer: this.writer,
      body,
      current: ofCluster(
        cluster,
        this.cache.getSecret(kubeNamespace, body.metadata!.name!),
      ),
      seenAsWritten: seen =>
        !!seen && isDeepStrictEqual(bindingEntriesIn(seen), binding.entries),
    });
  }

  /** The names of the cluster's binding Secrets. */
  private of(cluster: ClusterKey, kubeNamespace: string): string[] {
    return this.cache
      .listSecrets(kubeNamespace)
      .filter(
        secret =>
          ofCluster(cluster, secret) &&
          secret.metadata?.labels?.[LABELS.component] === BINDING_COMPONENT,
      )
      .map(secret => secret.metadata!.name!);
  }
}
