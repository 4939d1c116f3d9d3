import { Alert, Flex, Text } from '@backstage/ui';
import {
  ClusterOperationKind,
  ClusterResource,
} from '@basalt/plugin-basalt-common';
import {
  conditionHeadline,
  formatDuration,
  formatTime,
  phaseOf,
  PHASES,
  readyCount,
  StatusText,
} from '../common';
import { useClusterNoun } from '../../hooks/useClusterKind';
import { Connections } from './Connections';
import { InstancesTable } from './InstancesTable';
import { InstanceFigures } from './InstanceFigures';

function Field(props: { label: string; children: React.ReactNode }) {
  return (
    <Flex direction="column" gap="1">
      <Text variant="body-small" color="secondary">
        {props.label}
      </Text>
      <Text>{props.children}</Text>
    </Flex>
  );
}

/**
 * Whether the manifest changed since the controller last reported: its
 * conditions then describe the generation before, and a Progressing that
 * says "no change" would contradict the change just asked for.
 */
function changeNotYetSeen(cluster: ClusterResource): boolean {
  const observed = cluster.status?.observedGeneration;
  return observed !== undefined && observed < cluster.metadata.generation;
}

function Conditions({ cluster }: { cluster: ClusterResource }) {
  const conditions = cluster.status?.conditions ?? [];
  const primaryServes = Boolean(
    cluster.status?.instances.some(i => i.role === 'primary' && i.ready),
  );
  const unseen = changeNotYetSeen(cluster);
  return (
    <Flex direction="column" gap="2" aria-label="Conditions">
      {conditions.map(condition => {
        const headline =
          unseen && condition.type === 'Progressing'
            ? {
                text: 'A change was asked for; the controller is picking it up',
                tone: 'info' as const,
              }
            : conditionHeadline(condition, primaryServes);
        return (
          <Flex key={condition.type} direction="column" gap="0">
            <StatusText tone={headline.tone}>{headline.text}</StatusText>
            <Text variant="body-small" color="secondary">
              {condition.message} · since{' '}
              {formatTime(condition.lastTransitionTime)}
            </Text>
          </Flex>
        );
      })}
    </Flex>
  );
}

/**
 * The last change of primary. A failover's time runs from the loss to the
 * endpoint moving; a switchover's is the pause in writes, which is what its
 * requester wants to know.
 */
function LastFailover({ cluster }: { cluster: ClusterResource }) {
  const label = 'Last change of primary';
  const last = cluster.status?.lastFailover;
  if (!last) {
    return <Field label={label}>None: the first primary still leads</Field>;
  }
  const from = last.from ? ` from ${last.from}` : '';
  const headline =
    last.kind === 'switchover'
      ? `Planned switchover${from} to ${
          last.to
        }; writes paused for ${formatDuration(last.durationMs)}`
      : `Failover${from} to ${last.to} in ${formatDuration(last.durationMs)}`;
  return (
    <Flex direction="column" gap="1" aria-label={label}>
      <Text variant="body-small" color="secondary">
        {label}
      </Text>
      <Text>{headline}</Text>
      <Text variant="body-small" color="secondary">
        {formatTime(last.timestamp)} · {last.reason}
      </Text>
    </Flex>
  );
}

/**
 * Configuration changes that wait for each instance to restart, while the
 * rolling restart that applies them runs.
 */
function PendingRestart({ cluster }: { cluster: ClusterResource }) {
  const configuration = cluster.status?.configuration;
  const pending = configuration?.pendingRestart ?? [];
  if (pending.length === 0) return null;
  const order = configuration?.restartPrimaryFirst
    ? 'the primary first, then the replicas'
    : 'replicas first, then a switchover';
  return (
    <Alert
      status="info"
      icon
      title={`Restart pending: ${pending.join(', ')}`}
      description={`These changes take effect as each instance restarts; a rolling restart is under way (${order}).`}
    />
  );
}

/** What each kind of operation does, to its target, in words. */
const OPERATION_TITLES: Record<
  ClusterOperationKind,
  (target: string | undefined) => string
> = {
  'create-instance': target => `Creating ${target}`,
  restore: target => `Restoring into ${target}`,
  restart: target => `Restarting ${target}`,
  'final-backup': () => 'Taking the final backup',
};

/** Long work under way, e.g. "Creating payments-db-2 on node-c: Cloning from payments-db-0". */
function Operations({ cluster }: { cluster: ClusterResource }) {
  const operations = cluster.status?.operations ?? [];
  if (operations.length === 0) return null;
  return (
    <Flex direction="column" gap="1" aria-label="Operations">
      {operations.map(operation => (
        <Text key={operation.id} variant="body-small">
          {OPERATION_TITLES[operation.kind](operation.target)}
          {operation.node && ` on ${operation.node}`}
          {operation.progress && `: ${operation.progress}`} (since{' '}
          {new Date(operation.startedAt).toLocaleTimeString()})
        </Text>
      ))}
    </Flex>
  );
}

/**
 * A cluster's health in plain words: phase, conditions, engine, every
 * instance, the endpoints (never credentials) and the last change of
 * primary.
 */
export function ClusterHealth({ cluster }: { cluster: ClusterResource }) {
  const { status, spec } = cluster;
  const phase = PHASES[phaseOf(cluster)];
  const ready = readyCount(cluster);
  // Before the first report there are no instances to count yet.
  const instanceCount = status?.instances.length || spec.replicas;
  const noun = useClusterNoun();
  return (
    <Flex direction="column" gap="4">
      <Flex direction="column" gap="1" aria-label="Phase">
        <Text variant="title-x-small">
          <StatusText tone={phase.tone}>{phase.label}</StatusText> · {ready} of{' '}
          {instanceCount === spec.replicas
            ? `${spec.replicas} instances ready`
            : `${instanceCount} instances ready, scaling to ${spec.replicas}`}
        </Text>
        <Text variant="body-small" color="secondary">
          {phase.meaning}
        </Text>
      </Flex>
      {status?.phase === 'Failed' && (
        <Alert
          status="danger"
          icon
          title={`This ${noun} is not serving`}
          description="The conditions below say why. Fix the cause (often the manifest), apply it again, or ask the platform team."
        />
      )}
      <PendingRestart cluster={cluster} />
      <Operations cluster={cluster} />
      <Conditions cluster={cluster} />
      <Flex gap="6" style={{ flexWrap: 'wrap' }}>
        <Field label="Engine">
          {spec.engine} {spec.version}
        </Field>
        <Field label="Replication">
          {spec.replicas > 1 ? spec.ha.replication : 'none (one instance)'}
        </Field>
        <Field label="Read-write endpoint">
          {status?.endpoints.readWrite ?? 'not yet available'}
        </Field>
        <Field label="Read-only endpoint">
          {status?.endpoints.readOnly ?? 'not yet available'}
        </Field>
      </Flex>
      <Connections cluster={cluster} />
      <LastFailover cluster={cluster} />
      {status && status.instances.length > 0 ? (
        <>
          <InstancesTable instances={status.instances} />
          <InstanceFigures instances={status.instances} />
        </>
      ) : (
        <Text color="secondary">No instances yet.</Text>
      )}
    </Flex>
  );
}
