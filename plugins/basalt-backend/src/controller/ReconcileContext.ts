import { LoggerService } from '@backstage/backend-plugin-api';
import { ClusterEvent, ClusterResource } from '@basalt/plugin-basalt-common';
import {
  ClusterKey,
  EngineDriver,
  InstanceProbe,
  Runtime,
  RuntimeInstance,
} from '@basalt/plugin-basalt-node';

/** One cluster and what acting on it needs, whatever its engine. */
export interface ClusterScope {
  cluster: ClusterResource;
  key: ClusterKey;
  runtime: Runtime;
  logger: LoggerService;
  /** Records an event in the cluster's history. */
  recordEvent(
    type: ClusterEvent['type'],
    reason: string,
    message: string,
  ): Promise<void>;
  /** Instances per node across all clusters, for placement. */
  nodeLoad: Map<string, number>;
  /**
   * When a rolling restart was last requested (ISO 8601): instances whose
   * process started before it are still to restart.
   */
  restartRequestedAt?: string;
}

/** Everything one reconcile of one cluster works with. */
export interface ReconcileContext extends ClusterScope {
  driver: EngineDriver;
}

/** An instance together with what probing it found. */
export interface ObservedInstance {
  instance: RuntimeInstance;
  probe: InstanceProbe;
}
