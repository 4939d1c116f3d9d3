import { isDeepStrictEqual } from 'node:util';
import { V1Pod } from '@kubernetes/client-node';
import {
  ClusterEndpoints,
  CredentialsReference,
} from '@basalt/plugin-basalt-common';
import {
  ClusterCredentials,
  ClusterKey,
  EndpointTargets,
  EngineAddress,
} from '@basalt/plugin-basalt-node';
import { sameAddress } from '../addresses';
import { KeyedMutex } from '../KeyedMutex';
import { ClusterCertificates } from '../certificates';
import { completeCredentials } from '../credentials';
import { KubeCache } from './KubeCache';
import { KubeWriter } from './KubeWriter';
import { writeOwnSecret } from './writeOwnSecret';
import {
  clusterConfigMap,
  credentialsIn,
  credentialsSecret,
  endpointService,
  READ_ONLY_LABEL,
} from './manifests/cluster';
import { OwnerObject } from './manifests/owner';
import { LABELS, ObjectNames, ofCluster } from './names';

/**
 * The objects of a cluster as a whole: its ConfigMap (the anchor the rest
 * is owned by), its credentials Secret, and its read-write and read-only
 * Services with the role labels on the Pods they select.
 */
export class ClusterObjects {
  private readonly mutex = new KeyedMutex();

  constructor(
    private readonly cache: KubeCache,
    private readonly writer: KubeWriter,
    private readonly clusterDomain: string,
    private readonly certificates: ClusterCertificates,
  ) {}

  /** Creates the cluster's ConfigMap when missing; returns it as an owner. */
  ensureOwner(
    cluster: ClusterKey,
    kubeNamespace: string,
  ): Promise<OwnerObject> {
    const name = new ObjectNames(cluster).configMap;
    return this.mutex.run(`${kubeNamespace}/${name}`, async () => {
      const found = ofCluster(
        cluster,
        this.cache.getConfigMap(kubeNamespace, name),
      );
      const configMap =
        found ??
        (await this.writer.createConfigMap(
          clusterConfigMap({ cluster, kubeNamespace, configuration: {} }),
        )) ??
        (await this.cache.waitFor(
          () =>
            ofCluster(cluster, this.cache.getConfigMap(kubeNamespace, name)),
          {
            timeoutMs: 10_000,
            describe: () =>
              `ConfigMap ${kubeNamespace}/${name} belongs to another cluster of the same name`,
          },
        ));
      return {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        name,
        uid: configMap.metadata!.uid!,
      };
    });
  }

  /** Keeps the engine configuration the driver rendered in the ConfigMap. */
  async recordConfiguration(
    cluster: ClusterKey,
    kubeNamespace: string,
    files: Record<string, string>,
  ): Promise<void> {
    const name = new ObjectNames(cluster).configMap;
    const current = this.cache.getConfigMap(kubeNamespace, name)?.data ?? {};
    if (Object.entries(files).every(([key, value]) => current[key] === value)) {
      return;
    }
    await this.writer.patchConfigMapData(kubeNamespace, name, files);
  }

  /**
   * See `Runtime.ensureCredentials`: generated once, kept in a Secret; new
   * passwords for the accounts in `rotate`.
   */
  ensureCredentials(
    cluster: ClusterKey,
    kubeNamespace: string,
    accounts: string[],
    rotate: string[] = [],
  ): Promise<{
    credentials: ClusterCredentials;
    reference: CredentialsReference;
  }> {
    const name = new ObjectNames(cluster).credentialsSecret;
    const reference: CredentialsReference = {
      kind: 'secret',
      location: `${kubeNamespace}/${name}`,
    };
    return this.mutex.run(`${kubeNamespace}/${name}`, async () => {
      const secret = ofCluster(
        cluster,
        this.cache.getSecret(kubeNamespace, name),
      );
      const current = credentialsIn(secret);
      const names = new ObjectNames(cluster);
      const credentials = await completeCredentials(
        current,
        accounts,
        {
          certificates: this.certificates,
          cluster,
          // The Services clients use, and the loopback a port-forward ends on.
          hosts: [
            ...[names.readWriteService, names.readOnlyService].flatMap(svc => [
              `${svc}.${kubeNamespace}.svc`,
              `${svc}.${kubeNamespace}.svc.${this.clusterDomain}`,
            ]),
            'localhost',
            '127.0.0.1',
          ],
        },
        rotate,
      );
      if (!credentials) return { credentials: current!, reference };
      const owner = await this.ensureOwner(cluster, kubeNamespace);
      const body = credentialsSecret({
        cluster,
        kubeNamespace,
        credentials,
        owner,
      });
      await writeOwnSecret({
        cache: this.cache,
        writer: this.writer,
        body,
        current: secret,
        seenAsWritten: written => {
          const seen = credentialsIn(written);
          // Seen as written, or the next pass would renew the certificate again.
          return Boolean(
            seen &&
              accounts.every(
                account =>
                  seen.accounts[account] === credentials.accounts[account],
              ) &&
              seen.tls?.certificate === credentials.tls?.certificate,
          );
        },
      });
      return { credentials, reference };
    });
  }

  /**
   * Labels the Pods by role (the read-write address's Pod `primary`, the
   * others `replica`; those reads go to with the read-only mark) and
   * ensures both Services select on those labels.
   */
  async ensureEndpoints(
    cluster: ClusterKey,
    kubeNamespace: string,
    targets: EndpointTargets,
    pods: { pod: V1Pod; address: EngineAddress }[],
    port: number,
  ): Promise<ClusterEndpoints> {
    for (const { pod, address } of pods) {
      const primary = sameAddress(address, targets.readWrite);
      const reads = targets.readOnly.some(target =>
        sameAddress(address, target),
      );
      const wanted = {
        [LABELS.role]: primary ? 'primary' : 'replica',
        [READ_ONLY_LABEL]: reads ? 'true' : null,
      };
      const labels = pod.metadata?.labels ?? {};
      if (
        Object.entries(wanted).some(
          ([key, value]) => (labels[key] ?? null) !== value,
        )
      ) {
        await this.writer.patchPodMetadata(kubeNamespace, pod.metadata!.name!, {
          labels: wanted,
        });
      }
    }
    const owner = await this.ensureOwner(cluster, kubeNamespace);
    const endpoints: ClusterEndpoints = {};
    for (const kind of ['rw', 'ro'] as const) {
      const wanted = endpointService({
        cluster,
        kubeNamespace,
        kind,
        port,
        owner,
      });
      const name = wanted.metadata!.name!;
      const existing = this.cache.getService(kubeNamespace, name);
      if (!existing) {
        await this.writer.createService(wanted);
      } else if (
        !isDeepStrictEqual(existing.spec?.selector ?? {}, wanted.spec!.selector)
      ) {
        await this.writer.patchServiceSelector(
          kubeNamespace,
          name,
          wanted.spec!.selector!,
        );
      }
      const host = `${name}.${kubeNamespace}.svc.${this.clusterDomain}:${port}`;
      if (kind === 'rw' && targets.readWrite) endpoints.readWrite = host;
      if (kind === 'ro' && targets.readOnly.length) endpoints.readOnly = host;
    }
    return endpoints;
  }

  async removeEndpoints(
    cluster: ClusterKey,
    kubeNamespace: string,
  ): Promise<void> {
    const names = new ObjectNames(cluster);
    for (const name of [names.readWriteService, names.readOnlyService]) {
      if (ofCluster(cluster, this.cache.getService(kubeNamespace, name))) {
        await this.writer.deleteService(kubeNamespace, name);
      }
    }
  }

  /** Removes the Secret, then the ConfigMap (the owner of anything left). */
  async removeCredentials(
    cluster: ClusterKey,
    kubeNamespace: string,
  ): Promise<void> {
    const names = new ObjectNames(cluster);
    if (
      ofCluster(
        cluster,
        this.cache.getSecret(kubeNamespace, names.credentialsSecret),
      )
    ) {
      await this.writer.deleteSecret(kubeNamespace, names.credentialsSecret);
    }
    if (
      ofCluster(
        cluster,
        this.cache.getConfigMap(kubeNamespace, names.configMap),
      )
    ) {
      await this.writer.deleteConfigMap(kubeNamespace, names.configMap);
    }
  }
}
