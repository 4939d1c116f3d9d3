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
import { clusterToEntity } from './clusterToEntity';

/**
 * Publishes every Basalt cluster as a catalog Resource, replacing the whole
 * set on each refresh so deleted clusters disappear.
 */
export class BasaltClusterProvider implements EntityProvider {
  readonly #api: BasaltApi;
  readonly #discovery: DiscoveryService;
  readonly #auth: AuthService;
  readonly #logger: LoggerService;
  #connection?: EntityProviderConnection;

  static create(options: {
    discovery: DiscoveryService;
    auth: AuthService;
    logger: LoggerService;
    schedule: SchedulerServiceTaskRunner;
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
  }) {
    this.#discovery = options.discovery;
    this.#auth = options.auth;
    this.#logger = options.logger;
    this.#api = new BasaltClient({ discoveryApi: options.discovery });
  }

  getProviderName(): string {
    return 'basalt-clusters';
  }

  async connect(connection: EntityProviderConnection): Promise<void> {
    this.#connection = connection;
  }

  /** Reads every cluster from Basalt and replaces the published set. */
  async refresh(): Promise<void> {
    if (!this.#connection) return;
    const { token } = await this.#auth.getPluginRequestToken({
      onBehalfOf: await this.#auth.getOwnServiceCredentials(),
      targetPluginId: BASALT_PLUGIN_ID,
    });
    const clusters = await this.#api.listClusters({}, { token });
    const locationBase = await this.#discovery.getExternalBaseUrl(
      BASALT_PLUGIN_ID,
    );
    await this.#connection.applyMutation({
      type: 'full',
      entities: clusters.map(cluster => ({
        entity: clusterToEntity(cluster, locationBase),
        locationKey: `basalt-cluster:${cluster.metadata.uid}`,
      })),
    });
    this.#logger.debug(`Published ${clusters.length} Basalt clusters`);
  }
}
