import {
  ClusterOperation,
  ClusterConditionTypes,
  ClusterEndpoints,
  ClusterPhase,
  ClusterReason,
  ClusterReasons,
  ClusterCondition,
  ClusterResource,
  ConfigurationStatus,
  ClusterTlsStatus,
  CredentialsReference,
  EngineClusterStatus,
  FailoverRecord,
  InstanceStatus,
  LastBackup,
} from '@basalt/plugin-basalt-common';
import { ResourceEnforcement } from '@basalt/plugin-basalt-node';
import { DeletionBlock } from '../store';
import { setCondition } from './conditions';
import { ObservedInstance } from './ReconcileContext';
import { RestartProgress } from './steps/ensureRestarted';
import { VolumeProtection } from './steps/ensureVolumeProtection';

/** What a reconcile found, for the status. */
export interface Observation {
  observed: ObservedInstance[];
  endpoints: ClusterEndpoints;
  credentials?: CredentialsReference;
  /** How clients connect with TLS, once the cluster has certificates. */
  tls?: ClusterTlsStatus;
  /** The error that stopped the reconcile, if one did. */
  failure?: { reason: ClusterReason; message: string };
  /** A rolling restart that is not finished. */
  restart?: RestartProgress;
  /** A failover or switchover that happened in this pass. */
  lastFailover?: FailoverRecord;
  /** Where restoring `spec.restore` stands, for a cluster that has one. */
  restore?: { restored: boolean; reason: ClusterReason; message: string };
  /** Why the last requested deletion was refused, while that stands. */
  deletionBlocked?: DeletionBlock;
  /** The newest completed backup. */
  lastBackup?: LastBackup;
  /** Whether volume limits are enforced, and volume protection's lock. */
  volumes?: VolumeProtection;
  /** The configuration the instances were last given. */
  configuration?: ConfigurationStatus;
  /** Whether CPU and memory limits are enforced. */
  resources?: ResourceEnforcement;
  /** Long work running on the cluster, e.g. instances being created. */
  operations?: ClusterOperation[];
}

function instanceStatus({ instance, probe }: ObservedInstance): InstanceStatus {
  return {
    name: instance.name,
    role: probe.role,
    node: instance.node,
    ready: probe.ready,
    ...(probe.lag && { lag: probe.lag }),
    // Kept for one release beside `lag`, for readers of the old field.
    ...(probe.lag?.bytes !== undefined && { lagBytes: probe.lag.bytes }),
    address: `${instance.address.host}:${instance.address.port}`,
    ...(!probe.ready && probe.message && { message: probe.message }),
    ...(probe.figures && { figures: probe.figures }),
  };
}

function progressingReason(
  ready: boolean,
  instanceCount: number,
  wanted: number,
  fallback: ClusterReason,
): ClusterReason {
  if (ready) return ClusterReasons.Reconciled;
  if (instanceCount !== wanted) return ClusterReasons.Scaling;
  return fallback;
}

function phaseOf(
  ready: boolean,
  failed: boolean,
  established: boolean,
  lostInstances: boolean,
  restarting: boolean,
): ClusterPhase {
  if (failed) return established ? 'Degraded' : 'Failed';
  if (ready) return restarting ? 'Updating' : 'Running';
  if (lostInstances) return 'Degraded';
  return established ? 'Updating' : 'Creating';
}

/**
 * Whether the cluster has served as declared before: it was Ready, or it
 * is already Degraded by instances that stopped answering. Such a cluster
 * losing an instance is degraded, not "creating" again.
 */
function wasEstablished(previous: ClusterCondition[]): boolean {
  return previous.some(
    c =>
      c.status === 'True' &&
      (c.type === 'Ready' ||
        (c.type === 'Degraded' &&
          c.reason === ClusterReasons.InstancesNotReady)),
  );
}

/** The Degraded condition: a failure, or instances that stopped answering. */
function degradation(
  failure: Observation['failure'],
  lost: InstanceStatus[],
  hasPrimary: boolean,
): { degraded: boolean; reason: ClusterReason; message: string } {
  if (failure) return { degraded: true, ...failure };
  if (lost.length === 0 && hasPrimary) {
    return {
      degraded: false,
      reason: ClusterReasons.AsExpected,
      message: 'No problems found',
    };
  }
  const names = lost.map(i => i.name).join(', ');
  return {
    degraded: true,
    reason: ClusterReasons.InstancesNotReady,
    message: [
      names && `${names} not answering`,
      !hasPrimary && 'no primary answering',
    ]
      .filter(Boolean)
      .join('; '),
  };
}

/** The Progressing condition's reason and message. */
function progressing(
  ready: boolean,
  instanceCount: number,
  wanted: number,
  notReady: ClusterReason,
  { restart, failure }: Observation,
  generation: number,
  previous: ClusterCondition | undefined,
): { reason: ClusterReason; message: string } {
  // Kept through a failure midway, so the restart resumes where it stopped.
  if (restart) {
    return {
      reason: ClusterReasons.Restarting,
      message: `Rolling restart, replicas first: ${restart.restarted} of ${restart.total} instances restarted`,
    };
  }
  // A pass that failed before it reached the restart leaves it as it was:
  // the next pass goes on with it, and says when it is done.
  if (failure && previous?.reason === ClusterReasons.Restarting) {
    return { reason: previous.reason, message: previous.message };
  }
  return {
    reason: progressingReason(ready, instanceCount, wanted, notReady),
    message: ready
      ? `Cluster matches generation ${generation}`
      : `Bringing the cluster to generation ${generation}`,
  };
}

/** Sets one condition on the status, keeping its transition time. */
type MakeCondition = (
  type: keyof typeof ClusterConditionTypes,
  status: boolean,
  reason: ClusterReason,
  message: string,
) => ClusterCondition;

/** What the conditions and the phase are derived from. */
interface Facts {
  instances: InstanceStatus[];
  wanted: number;
  readyCount: number;
  hasPrimary: boolean;
  ready: boolean;
  restarting: boolean;
  established: boolean;
  lostInstances: boolean;
}

function factsOf(cluster: ClusterResource, observation: Observation): Facts {
  const instances = observation.observed
    .map(instanceStatus)
    .sort((a, b) => a.name.localeCompare(b.name));
  const wanted = cluster.spec.replicas;
  const readyCount = instances.filter(i => i.ready).length;
  const hasPrimary = instances.some(i => i.ready && i.role === 'primary');
  const ready =
    !observation.failure &&
    hasPrimary &&
    readyCount === wanted &&
    instances.length === wanted;
  // A rolling restart or a switchover in this pass takes an instance down
  // on purpose: that is an update, not a degradation.
  const restarting =
    !!observation.restart || observation.lastFailover?.kind === 'switchover';
  const established = wasEstablished(cluster.status?.conditions ?? []);
  // Scaling and restarting make instances unready on purpose; an
  // established cluster that loses one otherwise is degraded.
  const lostInstances =
    established && !ready && !restarting && instances.length === wanted;
  return {
    instances,
    wanted,
    readyCount,
    hasPrimary,
    ready,
    restarting,
    established,
    lostInstances,
  };
}

/** Every condition: Ready, Progressing, Degraded, and those that apply. */
function conditionsOf(
  cluster: ClusterResource,
  observation: Observation,
  facts: Facts,
  now: string,
): ClusterCondition[] {
  const { failure, endpoints } = observation;
  const { instances, wanted, readyCount, hasPrimary, ready } = facts;
  const generation = cluster.metadata.generation;
  const previous = cluster.status?.conditions ?? [];
  const notReady = cluster.status
    ? ClusterReasons.InstancesNotReady
    : ClusterReasons.Creating;
  const condition: MakeCondition = (type, status, reason, message) =>
    setCondition(
      previous,
      {
        type,
        status: status ? 'True' : 'False',
        reason,
        message,
        observedGeneration: generation,
      },
      now,
    );

  const progress = progressing(
    ready,
    instances.length,
    wanted,
    notReady,
    observation,
    generation,
    previous.find(c => c.type === 'Progressing'),
  );
  const degraded = degradation(
    failure,
    facts.lostInstances ? instances.filter(i => !i.ready) : [],
    hasPrimary || !facts.lostInstances,
  );
  const readyMessage = ready
    ? `${readyCount} of ${wanted} instances ready; read-write endpoint ${endpoints.readWrite}`
    : `${readyCount} of ${wanted} instances ready${
        hasPrimary ? '' : ', no primary answering'
      }`;
  return [
    condition(
      'Ready',
      ready,
      ready ? ClusterReasons.Available : notReady,
      readyMessage,
    ),
    condition(
      'Progressing',
      (!ready || facts.restarting) && !failure,
      progress.reason,
      progress.message,
    ),
    condition('Degraded', degraded.degraded, degraded.reason, degraded.message),
    ...lifecycleConditions(observation, condition, cluster.spec.storage),
  ];
}

/**
 * The Restored, DeletionBlocked, VolumeLimitsEnforced, VolumePressure and
 * ResourceLimitsEnforced conditions, where they apply.
 */
function lifecycleConditions(
  { restore, deletionBlocked, volumes, resources }: Observation,
  condition: MakeCondition,
  storage: ClusterResource['spec']['storage'],
): ClusterCondition[] {
  return [
    ...(restore
      ? [
          condition(
            'Restored',
            restore.restored,
            restore.reason,
            restore.message,
          ),
        ]
      : []),
    ...(volumes ? volumeConditions(volumes, condition, storage) : []),
    ...(resources
      ? [
          condition(
            'ResourceLimitsEnforced',
            resources.enforced,
            resources.enforced
              ? ClusterReasons.LimitsEnforced
              : ClusterReasons.LimitsNotEnforced,
            resources.enforced
              ? 'Each instance is held to its CPU and memory limits'
              : `CPU and memory limits are not enforced here: ${resources.reason}`,
          ),
        ]
      : []),
    ...(deletionBlocked
      ? [
          condition(
            'DeletionBlocked',
            true,
            deletionBlocked.reason as ClusterReason,
            deletionBlocked.message,
          ),
        ]
      : []),
  ];
}

/**
 * Derives the status from what was observed. Deterministic: the same
 * observation of the same cluster gives an equal status, so a reconcile that
 * finds nothing new writes nothing.
 */
export function computeStatus(
  cluster: ClusterResource,
  observation: Observation,
  now: string,
): EngineClusterStatus {
  const facts = factsOf(cluster, observation);
  const lastFailover = observation.lastFailover ?? cluster.status?.lastFailover;
  // Kept through a pass that failed before the configuration step.
  const configuration =
    observation.configuration ?? cluster.status?.configuration;
  return {
    observedGeneration: cluster.metadata.generation,
    phase: phaseOf(
      facts.ready,
      !!observation.failure,
      facts.established,
      facts.lostInstances,
      facts.restarting,
    ),
    conditions: conditionsOf(cluster, observation, facts, now),
    instances: facts.instances,
    endpoints: observation.endpoints,
    ...(observation.credentials && { credentials: observation.credentials }),
    ...(observation.tls && { tls: observation.tls }),
    ...(lastFailover && { lastFailover }),
    ...(observation.lastBackup && { lastBackup: observation.lastBackup }),
    ...(configuration && { configuration }),
    ...(observation.operations?.length && {
      operations: observation.operations.map(operationStatus),
    }),
  };
}

/** What the status shows of an operation (nothing only Basalt needs). */
export function operationStatus(operation: ClusterOperation): ClusterOperation {
  const { id, kind, target, node, phase, progress, startedAt } = operation;
  return {
    id,
    kind,
    phase,
    startedAt,
    ...(target && { target }),
    ...(node && { node }),
    ...(progress && { progress }),
  };
}

/**
 * What is enforced on each volume, in words: without
 * `spec.storage.throughput` there is no throughput limit (blkio gets none),
 * which the condition must not hide behind "enforced".
 */
function limitsMessage(storage: ClusterResource['spec']['storage']): string {
  return storage.throughput
    ? `Each volume has a hard capacity cap of ${storage.size} and a throughput limit of ${storage.throughput}/s`
    : `Each volume has a hard capacity cap of ${storage.size}; its throughput is not limited, as spec.storage.throughput is not set`;
}

function volumeConditions(
  volumes: VolumeProtection,
  condition: MakeCondition,
  storage: ClusterResource['spec']['storage'],
): ClusterCondition[] {
  const { enforcement } = volumes;
  return [
    condition(
      'VolumeLimitsEnforced',
      enforcement.enforced,
      enforcement.enforced
        ? ClusterReasons.LimitsEnforced
        : ClusterReasons.LimitsNotEnforced,
      enforcement.enforced
        ? limitsMessage(storage)
        : `Volume limits are not enforced here: ${enforcement.reason}`,
    ),
    condition(
      'VolumePressure',
      volumes.locked,
      volumes.locked
        ? ClusterReasons.WritesLocked
        : ClusterReasons.VolumeHasRoom,
      volumes.message,
    ),
  ];
}
