import { ConflictError } from '@backstage/errors';
import {
  ClusterResource,
  RegionProfile,
  clusterRefOf,
} from '@basalt/plugin-basalt-common';
import {
  BackupOrigin,
  ClusterKey,
  EngineAddress,
  EngineBackups,
  EngineContext,
  EngineDriver,
  Runtime,
} from '@basalt/plugin-basalt-node';
import { networkPolicyOf } from '../network/networkPolicy';

/** What acting on a cluster's engine needs. */
export interface ClusterAccess {
  cluster: ClusterResource;
  key: ClusterKey;
  driver: EngineDriver;
  backups: EngineBackups;
  engine: EngineContext;
}

/** {@link ClusterAccess} with the address of the running primary. */
export interface PrimaryAccess extends ClusterAccess {
  primary: EngineAddress;
  /** The primary as a physical backup is taken of it. */
  origin: BackupOrigin;
}

/** Looks up what backing up or restoring a cluster goes through. */
export class ClusterAccessor {
  constructor(
    private readonly deps: {
      runtime: Runtime;
      drivers: Map<string, EngineDriver>;
      /** The region profiles, whose network rules a restored instance gets. */
      profiles: RegionProfile[];
    },
  ) {}

  /**
   * The cluster's driver, backup support and credentials.
   *
   * @throws ConflictError when its engine has no backup support here.
   */
  async access(cluster: ClusterResource): Promise<ClusterAccess> {
    const driver = this.deps.drivers.get(cluster.spec.engine);
    if (!driver?.backups) {
      throw new ConflictError(
        `EngineCluster ${clusterRefOf(cluster)}: ${
          cluster.spec.engine
        } has no backup support in this installation`,
      );
    }
    const key = keyOf(cluster);
    const { credentials } = await this.deps.runtime.ensureCredentials(
      key,
      cluster.spec.accounts.map(account => account.name),
    );
    return {
      cluster,
      key,
      driver,
      backups: driver.backups,
      engine: {
        spec: cluster.spec,
        credentials,
        network: networkPolicyOf(this.deps.profiles, cluster.spec),
      },
    };
  }

  /**
   * Like {@link ClusterAccessor.access}, with the recorded primary's address.
   *
   * @throws ConflictError when the primary is not running.
   */
  async primary(
    cluster: ClusterResource,
    primaryInstance: string | undefined,
  ): Promise<PrimaryAccess> {
    const access = await this.access(cluster);
    const instances = await this.deps.runtime.listInstances(access.key);
    const primary = instances.find(i => i.name === primaryInstance);
    if (!primary?.running) {
      throw new ConflictError(
        `EngineCluster ${clusterRefOf(cluster)} has no running primary${
          primaryInstance ? ` (${primaryInstance} is not running)` : ''
        }; it can be backed up once its primary runs`,
      );
    }
    const origin: BackupOrigin = {
      address: primary.address,
      host: () =>
        this.deps.runtime.instanceHost(
          access.key,
          primary.name,
          cluster.spec.engine,
        ),
    };
    return { ...access, primary: primary.address, origin };
  }
}

/** The runtime's key of a cluster. */
export function keyOf(cluster: ClusterResource): ClusterKey {
  const { namespace, name, uid } = cluster.metadata;
  return { namespace, name, uid };
}
