import {
  CoreV1Api,
  CoreV1Event,
  Informer,
  KubeConfig,
  KubernetesListObject,
  KubernetesObject,
  ListWatch,
  ObjectCache,
  V1ConfigMap,
  V1Node,
  V1PersistentVolumeClaim,
  V1Pod,
  V1Secret,
  V1Service,
  Watch,
} from '@kubernetes/client-node';
import { LoggerService } from '@backstage/backend-plugin-api';
import { LABELS, MANAGER, toSelector } from './names';

type Watched<T extends KubernetesObject> = Informer<T> & ObjectCache<T>;

const MANAGED = toSelector({ [LABELS.managedBy]: MANAGER });

/**
 * The Events watched: warnings about Pods. Events carry no labels, so
 * which Pods are Basalt's is told from the Pod cache.
 */
const POD_WARNINGS = 'type=Warning,involvedObject.kind=Pod';

type CacheKind = CacheChange['kind'];

/** What a watch (and the list it starts from) selects. */
interface Selectors {
  labelSelector?: string;
  fieldSelector?: string;
}

/** A change the cache saw, for whoever waits on one. */
export type CacheChange =
  | { kind: 'pod'; verb: 'add' | 'update' | 'delete'; object: V1Pod }
  | { kind: 'node'; verb: 'add' | 'update' | 'delete'; object: V1Node }
  | { kind: 'event'; verb: 'add' | 'update' | 'delete'; object: CoreV1Event }
  | { kind: 'other' };

/**
 * Watches (list + watch, never polling) everything Basalt reads: its own
 * Pods, claims, Services, Secrets and ConfigMaps in the namespaces it
 * manages, the warning Events about Pods there, and the Nodes. (Its PersistentVolumes are only ever written,
 * by name, so they are not watched.) Every read of the runtime
 * comes from here, so a resync of every cluster costs no API request; only
 * changes do.
 */
export class KubeCache {
  private readonly pods = new Map<string, Watched<V1Pod>>();
  private readonly claims = new Map<string, Watched<V1PersistentVolumeClaim>>();
  private readonly services = new Map<string, Watched<V1Service>>();
  private readonly secrets = new Map<string, Watched<V1Secret>>();
  private readonly configMaps = new Map<string, Watched<V1ConfigMap>>();
  private readonly warnings = new Map<string, Watched<CoreV1Event>>();
  private readonly nodes: Watched<V1Node>;
  private readonly all: Watched<KubernetesObject>[] = [];
  private readonly listeners = new Set<(change: CacheChange) => void>();
  private stopped = false;

  constructor(
    kubeConfig: KubeConfig,
    namespaces: string[],
    private readonly logger: LoggerService,
    nodeSelector?: string,
  ) {
    const core = kubeConfig.makeApiClient(CoreV1Api);
    for (const namespace of namespaces) {
      const path = (resource: string) =>
        `/api/v1/namespaces/${namespace}/${resource}`;
      this.pods.set(
        namespace,
        this.watch('pod', kubeConfig, path('pods'), selectors =>
          core.listNamespacedPod({ namespace, ...selectors }),
        ),
      );
      this.claims.set(
        namespace,
        this.watch(
          'other',
          kubeConfig,
          path('persistentvolumeclaims'),
          selectors =>
            core.listNamespacedPersistentVolumeClaim({
              namespace,
              ...selectors,
            }),
        ),
      );
      this.services.set(
        namespace,
        this.watch('other', kubeConfig, path('services'), selectors =>
          core.listNamespacedService({ namespace, ...selectors }),
        ),
      );
      this.secrets.set(
        namespace,
        this.watch('other', kubeConfig, path('secrets'), selectors =>
          core.listNamespacedSecret({ namespace, ...selectors }),
        ),
      );
      this.configMaps.set(
        namespace,
        this.watch('other', kubeConfig, path('configmaps'), selectors =>
          core.listNamespacedConfigMap({ namespace, ...selectors }),
        ),
      );
      this.warnings.set(
        namespace,
        this.watch(
          'event',
          kubeConfig,
          path('events'),
          selectors => core.listNamespacedEvent({ namespace, ...selectors }),
          { fieldSelector: POD_WARNINGS },
        ),
      );
    }
    this.nodes = this.watch(
      'node',
      kubeConfig,
      '/api/v1/nodes',
      selectors => core.listNode(selectors),
      { labelSelector: nodeSelector },
    );
  }

  /** Lists and starts watching; resolves once every cache is filled. */
  async start(): Promise<void> {
    await Promise.all(this.all.map(informer => informer.start()));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.listeners.clear();
    await Promise.all(this.all.map(informer => informer.stop()));
  }

  /** Calls `listener` on every change; returns the unsubscribe function. */
  onChange(listener: (change: CacheChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Resolves with `read()`'s first defined result, read now and after every
   * change, or rejects after `timeoutMs` with `describe()`'s words.
   */
  waitFor<T>(
    read: () => T | undefined,
    options: { timeoutMs: number; describe: () => string },
  ): Promise<T> {
    const now = read();
    if (now !== undefined) return Promise.resolve(now);
    return new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined = undefined;
      let unsubscribe: () => void = () => {};
      const done = () => {
        clearTimeout(timer);
        unsubscribe();
      };
      timer = setTimeout(() => {
        done();
        reject(new Error(options.describe()));
      }, options.timeoutMs);
      // A wait never keeps the process alive on its own.
      timer.unref();
      unsubscribe = this.onChange(() => {
        let value: T | undefined;
        try {
          value = read();
        } catch (error) {
          done();
          reject(error);
          return;
        }
        if (value === undefined) return;
        done();
        resolve(value);
      });
    });
  }

  getPod(namespace: string, name: string): V1Pod | undefined {
    return this.in(this.pods, namespace).get(name, namespace);
  }

  /** Basalt's Pods in every namespace it manages. */
  allPods(): V1Pod[] {
    return [...this.pods.entries()].flatMap(([namespace, pods]) =>
      pods.list(namespace),
    );
  }

  /** The warning Events about Pods in every namespace Basalt manages. */
  allPodWarnings(): CoreV1Event[] {
    return [...this.warnings.entries()].flatMap(([namespace, events]) =>
      events.list(namespace),
    );
  }

  listClaims(namespace: string): readonly V1PersistentVolumeClaim[] {
    return this.in(this.claims, namespace).list(namespace);
  }

  getClaim(
    namespace: string,
    name: string,
  ): V1PersistentVolumeClaim | undefined {
    return this.in(this.claims, namespace).get(name, namespace);
  }

  getService(namespace: string, name: string): V1Service | undefined {
    return this.in(this.services, namespace).get(name, namespace);
  }

  getSecret(namespace: string, name: string): V1Secret | undefined {
    return this.in(this.secrets, namespace).get(name, namespace);
  }

  listSecrets(namespace: string): readonly V1Secret[] {
    return this.in(this.secrets, namespace).list(namespace);
  }

  getConfigMap(namespace: string, name: string): V1ConfigMap | undefined {
    return this.in(this.configMaps, namespace).get(name, namespace);
  }

  listNodes(): readonly V1Node[] {
    return this.nodes.list();
  }

  getNode(name: string): V1Node | undefined {
    return this.nodes.get(name);
  }

  private in<T>(map: Map<string, T>, namespace: string): T {
    const cache = map.get(namespace);
    if (!cache) {
      throw new Error(
        `Kubernetes namespace '${namespace}' is not one Basalt manages`,
      );
    }
    return cache;
  }

  /**
   * An informer of `path` with `selectors`, which `list` is given to list
   * with too; without any, Basalt's own objects (the managed-by label).
   */
  private watch<T extends KubernetesObject>(
    kind: CacheKind,
    kubeConfig: KubeConfig,
    path: string,
    list: (selectors: Selectors) => Promise<KubernetesListObject<T>>,
    { labelSelector, fieldSelector }: Selectors = { labelSelector: MANAGED },
  ): Watched<T> {
    const selectors: Selectors = {
      labelSelector: labelSelector || undefined,
      fieldSelector,
    };
    const informer = new ListWatch<T>(
      path,
      new Watch(kubeConfig),
      () => list(selectors),
      false,
      selectors.labelSelector,
      selectors.fieldSelector,
    );
    for (const verb of ['add', 'update', 'delete'] as const) {
      informer.on(verb, object => this.changed(kind, verb, object));
    }
    informer.on('error', error => {
      if (this.stopped) return;
      // Listed and watched again after a pause.
      this.logger.warn(
        `Watch of ${path} ended (${error}); listing and watching it again`,
      );
      setTimeout(() => {
        if (!this.stopped) informer.start().catch(() => {});
      }, 1_000).unref();
    });
    this.all.push(informer as Watched<KubernetesObject>);
    return informer;
  }

  private changed(
    kind: CacheKind,
    verb: 'add' | 'update' | 'delete',
    object: KubernetesObject,
  ): void {
    const change = (
      kind === 'other' ? { kind } : { kind, verb, object }
    ) as CacheChange;
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch (error) {
        this.logger.error('A Kubernetes cache listener failed', error as Error);
      }
    }
  }
}
