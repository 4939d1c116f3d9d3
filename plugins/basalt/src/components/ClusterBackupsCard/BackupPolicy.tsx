import { Flex, Text } from '@backstage/ui';
import {
  backupPolicyOf,
  ClusterResource,
  EngineCapabilities,
} from '@basalt/plugin-basalt-common';
import { ReactNode } from 'react';
import { METHOD_LABELS } from './describeBackup';
import { useClusterNoun } from '../../hooks/useClusterKind';

function Field(props: { label: string; children: ReactNode }) {
  return (
    <Flex direction="column" gap="0">
      <Text variant="body-small" color="secondary">
        {props.label}
      </Text>
      <Text>{props.children}</Text>
    </Flex>
  );
}

/** What deleting the cluster (a `noun`) does with its data, under each policy. */
function terminationText(cluster: ClusterResource, noun: string): string {
  const { terminationPolicy } = cluster.spec;
  if (terminationPolicy === 'DoNotTerminate') {
    return `Deleting: this ${noun} cannot be deleted until its termination policy changes.`;
  }
  if (terminationPolicy === 'Delete') {
    return 'Deleting: its data is deleted at once, without a final backup; the backups already taken stay until retention removes them.';
  }
  const checks = backupPolicyOf(cluster.spec).restoreTest
    ? 'checks its checksums and restore-tests it'
    : 'checks its checksums (the restore test is turned off)';
  return `Deleting: Basalt first takes a final backup, ${checks}, and deletes the ${noun} only if that succeeds.`;
}

/** How far back a restore can go, in the engine's words. */
function recoveryText(
  cluster: ClusterResource,
  pointInTime: PointInTime | undefined,
  earliestRecovery: string | undefined,
): string {
  if (!pointInTime) {
    return `${cluster.spec.engine} has no point-in-time recovery: a restore brings back the moment a backup was taken.`;
  }
  if (!backupPolicyOf(cluster.spec).logArchiving) {
    return `${pointInTime.log} archiving is off: a restore brings back the moment a backup was taken, not any time in between.`;
  }
  const since = earliestRecovery
    ? ` (now from ${new Date(earliestRecovery).toLocaleString()})`
    : '';
  return `${pointInTime.log} archiving is on: point-in-time recovery is available from the oldest retained physical backup${since}.`;
}

type PointInTime = NonNullable<EngineCapabilities['backups']['pointInTime']>;

/**
 * The backup policy the manifest declares (with defaults applied), how far
 * back a restore can go, and what the termination policy does on deletion.
 */
export function BackupPolicy(props: {
  cluster: ClusterResource;
  /** The engine's point-in-time recovery; absent when it has none. */
  pointInTime?: PointInTime;
  /** When point-in-time recovery can reach back to, if known. */
  earliestRecovery?: string;
}) {
  const noun = useClusterNoun();
  const { cluster, pointInTime, earliestRecovery } = props;
  const policy = backupPolicyOf(cluster.spec);
  return (
    <Flex direction="column" gap="2" aria-label="Backup policy">
      <Flex gap="5" style={{ flexWrap: 'wrap' }}>
        <Field label="Schedule">
          {policy.schedule
            ? `"${policy.schedule}" (cron)`
            : 'None: backups are taken only when asked for'}
        </Field>
        <Field label="Retention">
          {policy.retention ?? "not declared (the installation's default)"}
        </Field>
        <Field label="Repository">{policy.repository}</Field>
        <Field label="Method">{METHOD_LABELS[policy.method]}</Field>
      </Flex>
      <Text variant="body-small" color="secondary">
        {recoveryText(cluster, pointInTime, earliestRecovery)}
      </Text>
      <Text variant="body-small" color="secondary">
        {terminationText(cluster, noun)}
      </Text>
    </Flex>
  );
}
