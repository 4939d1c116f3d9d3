import { LoggerService } from '@backstage/backend-plugin-api';
import { NodePool, VolumeAllocation } from '../pools';
import { DeletionBlock, StoredOperation, SwitchoverRequest } from '../store';
import type {
  FailedOperation,
  OperationControl,
  OperationRequest,
} from './operations/OperationRunner';
import {
  BackupMethod,
  ClusterOperationKind,
  ClusterEvent,
  ClusterResource,
  NetworkPolicy,
  ParameterDefinition,
  ResourceClass,
} from '@basalt/plugin-basalt-common';
import {
  ClusterKey,
  EngineAddress,
  EngineContext,
  EngineDriver,
  InstanceRequest,
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
  /** The volume pools of every node, for placement. */
  pools: NodePool[];
  /**
   * The volumes every cluster's instances hold, as last observed: read from
   * the store when placement first asks (a settled cluster never does), the
   * same list afterwards; steps that create an instance add its volume.
   */
  allocations(): Promise<VolumeAllocation[]>;
  /**
   * When a rolling restart was last requested (ISO 8601): instances whose
   * process started before it are still to restart.
   */
  restartRequestedAt?: string;
  /** Requests a rolling restart as of `at` (ISO 8601), as the API does. */
  requestRestart(at: string): Promise<void>;
  /** The instance the controller made primary, once there is one. */
  primaryInstance?: string;
  /** Records (and remembers for this pass) a new primary. */
  setPrimary(instance: string): Promise<void>;
  /**
   * Whether the named primary was noticed lost between reconciles (its
   * process exited, or the monitor's probes failed), since when (ms since
   * epoch) and why.
   */
  primaryLoss(instance: string): { since: number; why: string } | undefined;
  /** A planned switchover waiting to be carried out. */
  switchover?: SwitchoverRequest;
  /** Marks the pending switchover done (or given up). */
  finishSwitchover(): Promise<void>;
  /**
   * Whether this backend still holds the leadership lease; steps check it
   * before acts no other backend may repeat (fencing, promotion), since a
   * lease can be lost while a step runs.
   */
  stillLeads(): boolean;
  /**
   * Instance names not to give again: one whose creation ran into what a
   * former instance of that name left (e.g. the volume of an instance lost
   * with its node, which may come back).
   */
  retiredNames: Set<string>;
  /**
   * The cluster's long work (e.g. cloning a replica): started by a step,
   * it runs apart from the pass, which returns at once.
   */
  operations: ClusterOperations;
  /** High-availability settings the steps need. */
  ha: { probeTimeoutMs: number };
  /** When volume protection locks and unlocks writes (percent full). */
  volumeWatermarks: { high: number; low: number };
  /** The offered resource classes, which `spec.resources` names. */
  resourceClasses: ResourceClass[];
  /** The restore of `spec.restore`, while it is not done. */
  restore?: PendingRestore;
  /** Why the last requested deletion was refused, while that stands. */
  deletionBlocked?: DeletionBlock;
}

/** One cluster's operations; see {@link OperationRunner}. */
export interface ClusterOperations {
  /** Those running now (of `kind`, when given), in any backend, as recorded. */
  running(kind?: ClusterOperationKind): Promise<StoredOperation[]>;
  /**
   * Those whose backend stopped before they ended (see
   * {@link OperationRunner.interruptStale}), until {@link undone} says
   * what each left is undone.
   */
  interrupted(kind: ClusterOperationKind): Promise<StoredOperation[]>;
  /** Records that what an interrupted operation left is undone. */
  undone(operation: StoredOperation): Promise<void>;
  /** Those that failed since the last call, each handed out once. */
  takeFailures(kind: ClusterOperationKind): FailedOperation[];
  /**
   * Stops an operation that became pointless (e.g. a newer spec asks for
   * fewer instances), without waiting for it; false when it was stopped
   * already or runs in no backend that could stop it.
   */
  cancel(operation: StoredOperation): boolean;
  /** Starts `work` as an operation of the cluster and answers at once. */
  start(
    request: Pick<OperationRequest, 'kind' | 'target' | 'node' | 'progress'>,
    work: (control: OperationControl) => Promise<void>,
  ): Promise<StoredOperation>;
}

/** A cluster's data still to be restored from a backup. */
export interface PendingRestore {
  /** What is restored, in words. */
  description: string;
  method: BackupMethod;
  /**
   * How the first primary's data is created: from the physical backup.
   * Undefined for a logical backup, which is loaded into a new primary.
   */
  primaryBootstrap(
    engine: EngineContext,
  ): InstanceRequest['bootstrap'] | undefined;
  /**
   * Loads a logical backup into the running primary; aborted by `signal`,
   * it stops, and the next load drops what it left.
   */
  loadLogical(
    primary: EngineAddress,
    engine: EngineContext,
    signal: AbortSignal,
  ): Promise<string[]>;
  /** Records the restore done. */
  markRestored(): Promise<void>;
  /**
   * Whether the restore is recorded done, as the store has it now: a load
   * that ended after this pass began has recorded it.
   */
  isRestored(): Promise<boolean>;
  /** Records the restore failed for good (e.g. the backup is corrupted). */
  markFailed(message: string): Promise<void>;
}

/** Everything one reconcile of one cluster works with. */
export interface ReconcileContext extends ClusterScope {
  driver: EngineDriver;
  /**
   * The parameters a manifest of this engine may set: the driver's and
   * those the platform team added in configuration.
   */
  parameterDefinitions: ParameterDefinition[];
  /** Who may connect to the cluster, from its region profile. */
  network: NetworkPolicy;
  /**
   * The server certificate each instance (`<cluster uid>/<instance>`) was
   * last found presenting, kept by the controller across passes.
   */
  servedCertificates: Map<string, string>;
}

/** An instance together with what probing it found. */
export interface ObservedInstance {
  instance: RuntimeInstance;
  probe: InstanceProbe;
}
