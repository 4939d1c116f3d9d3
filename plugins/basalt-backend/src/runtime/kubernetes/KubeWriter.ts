import {
  ApiException,
  CoreV1Api,
  KubeConfig,
  PatchStrategy,
  setHeaderOptions,
  V1ConfigMap,
  V1PersistentVolume,
  V1PersistentVolumeClaim,
  V1Pod,
  V1Secret,
  V1Service,
} from '@kubernetes/client-node';

/** Basalt's field manager name in the objects' managed fields. */
const FIELD_MANAGER = 'basalt';

const MERGE_PATCH = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

/** Whether an API call failed with `code` (e.g. 404, 409). */
export function isStatus(error: unknown, code: number): boolean {
  return error instanceof ApiException && error.code === code;
}

/**
 * Every write the runtime makes, idempotent: creating what exists already
 * and deleting what is gone both succeed. Reads come from the cache.
 */
export class KubeWriter {
  private readonly core: CoreV1Api;

  constructor(kubeConfig: KubeConfig) {
    this.core = kubeConfig.makeApiClient(CoreV1Api);
  }

  /** Creates the object; one that exists already is returned as it is. */
  async createPod(pod: V1Pod): Promise<V1Pod | undefined> {
    return ignore409(() =>
      this.core.createNamespacedPod({
        namespace: pod.metadata!.namespace!,
        body: pod,
        fieldManager: FIELD_MANAGER,
      }),
    );
  }

  async createClaim(
    claim: V1PersistentVolumeClaim,
  ): Promise<V1PersistentVolumeClaim | undefined> {
    return ignore409(() =>
      this.core.createNamespacedPersistentVolumeClaim({
        namespace: claim.metadata!.namespace!,
        body: claim,
        fieldManager: FIELD_MANAGER,
      }),
    );
  }

  async createVolume(
    volume: V1PersistentVolume,
  ): Promise<V1PersistentVolume | undefined> {
    return ignore409(() =>
      this.core.createPersistentVolume({
        body: volume,
        fieldManager: FIELD_MANAGER,
      }),
    );
  }

  async createSecret(secret: V1Secret): Promise<V1Secret | undefined> {
    return ignore409(() =>
      this.core.createNamespacedSecret({
        namespace: secret.metadata!.namespace!,
        body: secret,
        fieldManager: FIELD_MANAGER,
      }),
    );
  }

  async replaceSecret(secret: V1Secret): Promise<void> {
    await this.core.replaceNamespacedSecret({
      name: secret.metadata!.name!,
      namespace: secret.metadata!.namespace!,
      body: secret,
      fieldManager: FIELD_MANAGER,
    });
  }

  async createConfigMap(
    configMap: V1ConfigMap,
  ): Promise<V1ConfigMap | undefined> {
    return ignore409(() =>
      this.core.createNamespacedConfigMap({
        namespace: configMap.metadata!.namespace!,
        body: configMap,
        fieldManager: FIELD_MANAGER,
      }),
    );
  }

  async patchConfigMapData(
    namespace: string,
    name: string,
    data: Record<string, string>,
  ): Promise<void> {
    await this.core.patchNamespacedConfigMap(
      { namespace, name, body: { data }, fieldManager: FIELD_MANAGER },
      MERGE_PATCH,
    );
  }

  async createService(service: V1Service): Promise<V1Service | undefined> {
    return ignore409(() =>
      this.core.createNamespacedService({
        namespace: service.metadata!.namespace!,
        body: service,
        fieldManager: FIELD_MANAGER,
      }),
    );
  }

  async patchServiceSelector(
    namespace: string,
    name: string,
    selector: Record<string, string>,
  ): Promise<void> {
    await this.core.patchNamespacedService(
      {
        namespace,
        name,
        body: { spec: { selector } },
        fieldManager: FIELD_MANAGER,
      },
      MERGE_PATCH,
    );
  }

  /** Merges labels and annotations into a Pod; a `null` value removes one. */
  async patchPodMetadata(
    namespace: string,
    name: string,
    metadata: {
      labels?: Record<string, string | null>;
      annotations?: Record<string, string | null>;
    },
  ): Promise<void> {
    await this.core.patchNamespacedPod(
      { namespace, name, body: { metadata }, fieldManager: FIELD_MANAGER },
      MERGE_PATCH,
    );
  }

  async annotateClaim(
    namespace: string,
    name: string,
    annotations: Record<string, string>,
  ): Promise<void> {
    await this.core.patchNamespacedPersistentVolumeClaim(
      {
        namespace,
        name,
        body: { metadata: { annotations } },
        fieldManager: FIELD_MANAGER,
      },
      MERGE_PATCH,
    );
  }

  /**
   * Deletes a Pod. `gracePeriodSeconds: 0` removes it from the API at once,
   * without waiting for its kubelet: the fencing of an instance whose node
   * is lost. `uid` guards against deleting a newer Pod of the same name.
   */
  async deletePod(
    namespace: string,
    name: string,
    options: { gracePeriodSeconds?: number; uid?: string } = {},
  ): Promise<void> {
    await ignore404(() =>
      this.core.deleteNamespacedPod({
        namespace,
        name,
        gracePeriodSeconds: options.gracePeriodSeconds,
        body: {
          gracePeriodSeconds: options.gracePeriodSeconds,
          ...(options.uid && { preconditions: { uid: options.uid } }),
        },
      }),
    );
  }

  async deleteClaim(namespace: string, name: string): Promise<void> {
    await ignore404(() =>
      this.core.deleteNamespacedPersistentVolumeClaim({ namespace, name }),
    );
  }

  async deleteVolume(name: string): Promise<void> {
    await ignore404(() => this.core.deletePersistentVolume({ name }));
  }

  async deleteService(namespace: string, name: string): Promise<void> {
    await ignore404(() =>
      this.core.deleteNamespacedService({ namespace, name }),
    );
  }

  async deleteSecret(namespace: string, name: string): Promise<void> {
    await ignore404(() =>
      this.core.deleteNamespacedSecret({ namespace, name }),
    );
  }

  async deleteConfigMap(namespace: string, name: string): Promise<void> {
    await ignore404(() =>
      this.core.deleteNamespacedConfigMap({ namespace, name }),
    );
  }
}

async function ignore409<T>(create: () => Promise<T>): Promise<T | undefined> {
  try {
    return await create();
  } catch (error) {
    if (isStatus(error, 409)) return undefined;
    throw error;
  }
}

async function ignore404(remove: () => Promise<unknown>): Promise<void> {
  try {
    await remove();
  } catch (error) {
    // Gone already, or (a uid precondition) replaced by a newer one.
    if (isStatus(error, 404) || isStatus(error, 409)) return;
    throw error;
  }
}
