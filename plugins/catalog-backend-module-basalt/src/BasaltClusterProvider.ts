import {
  AuthService,
  DiscoveryService,
  LoggerService,
  SchedulerServiceTaskRunner,
} from '@backstage/backend-plugin-api';
import {
  EntityProvider,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import {
  BASALT_PLUGIN_ID,
  BasaltApi,
  BasaltClient,
} from '@basalt/plugin-basalt-common';
import { ClusterDocs } from './clusterDocs';
import { clusterToEntity } from './clusterToEntity';
import { ComponentDatabasesIndex } from './ComponentDatabasesIndex';
import { componentRefreshKey } from './componentRef';

/**
 * Publishes every Basalt cluster as a catalog Resource, replacing the whole
 * set on each refresh so deleted clusters disappear. From the same list it
 * keeps the {@link ComponentDatabasesIndex} and has the catalog reprocess
 * the Components whose clusters changed, so their `basalt.dev/databases`
 * annotation follows within one run instead of one processing interval.
 *
 * @public
 */
export class BasaltClusterProvider implements EntityProvider {
  readonly #api: BasaltApi;
  readonly #discovery: DiscoveryService;
  readonly #auth: AuthService;
  readonly #logger: LoggerService;
  readonly #index: ComponentDatabasesIndex;
  readonly #docs?: ClusterDocs;
  #connection?: EntityProviderConnection;
  /** Changed components whose refresh has not succeeded yet. */
  readonly #toRefresh = new Set<string>();
  /** Components refreshed by the previous run, refreshed once more. */
  #refreshedLastRun: string[] = [];

  static create(options: {
    discovery: DiscoveryService;
    auth: AuthService;
    logger: LoggerService;
    schedule: SchedulerServiceTaskRunner;
    index: ComponentDatabasesIndex;
    /** Basalt's docs and runbooks, on every Resource; none when absent. */
    docs?: ClusterDocs;
  }): BasaltClusterProvider {
    const provider = new BasaltClusterProvider(options);
    options.schedule.run({
      id: 'basalt-cluster-provider-refresh',
      fn: () => provider.refresh(),
    });
    return provider;
  }

  private constructor(options: {
    discovery: DiscoveryService;
    auth: AuthService;
    logger: LoggerService;
    index: ComponentDatabasesIndex;
    docs?: ClusterDocs;
  }) {
    this.#discovery = options.discovery;
    this.#auth = options.auth;
    this.#logger = options.logger;
    this.#index = options.index;
    this.#docs = options.docs;
    this.#api = new BasaltClient({ discoveryApi: options.discovery });
  }

  getProviderName(): string {
    return 'basalt-clusters';
  }

  async connect(connection: EntityProviderConnection): Promise<void> {
    this.#connection = connection;
  }

  /**
   * Reads every cluster from Basalt, updates the index, replaces the
   * published set and refreshes the Components whose clusters changed.
   */
  async refresh(): Promise<void> {
    if (!this.#connection) return;
    const { token } = await this.#auth.getPluginRequestToken({
      onBehalfOf: await this.#auth.getOwnServiceCredentials(),
      targetPluginId: BASALT_PLUGIN_ID,
    });
    const [clusters, offerings] = await Promise.all([
      this.#api.listClusters({}, { token }),
      this.#api.getOfferings({ token }),
    ]);
    const kinds = new Map(
      offerings.engines.map(e => [e.engine, e.capabilities.kind]),
    );
    for (const component of this.#index.replace(clusters)) {
      this.#toRefresh.add(component);
    }
    const locationBase = await this.#discovery.getExternalBaseUrl(
      BASALT_PLUGIN_ID,
    );
    await this.#connection.applyMutation({
      type: 'full',
      entities: clusters.map(cluster => ({
        entity: clusterToEntity(
          cluster,
          locationBase,
          kinds.get(cluster.spec.engine),
          this.#docs,
        ),
        locationKey: `basalt-cluster:${cluster.metadata.uid}`,
      })),
    });
    this.#logger.debug(`Published ${clusters.length} Basalt clusters`);
    await this.#refreshComponents(this.#connection);
  }

  async #refreshComponents(connection: EntityProviderConnection) {
    const changed = [...this.#toRefresh];
    // A Component processed for the first time while the index changed may
    // have read the old index before its refresh key was stored, so that
    // refresh missed it; refreshing each change once more, a run later,
    // catches it without waiting for the processing interval.
    const components = new Set([...changed, ...this.#refreshedLastRun]);
    if (components.size > 0) {
      await connection.refresh({
        keys: [...components].map(componentRefreshKey),
      });
    }
    if (changed.length > 0) {
      this.#logger.info(
        `Refreshed ${
          changed.length
        } component(s) whose Basalt databases changed: ${changed.join(', ')}`,
      );
    }
    changed.forEach(component => this.#toRefresh.delete(component));
    this.#refreshedLastRun = changed;
  }
}
