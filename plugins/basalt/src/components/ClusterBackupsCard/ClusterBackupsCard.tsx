import { Button, Flex, Skeleton, Text } from '@backstage/ui';
import {
  backupPolicyOf,
  BackupRecord,
  ClusterRef,
  ClusterResource,
} from '@basalt/plugin-basalt-common';
import { useState } from 'react';
import { ErrorAlert } from '../common';
import { EntityClusterCard } from '../EntityClusterCard';
import { useCluster } from '../ClusterHealthCard';
import { useEngineCapabilities } from '../../hooks/useEngineCapabilities';
import { BackupPolicy } from './BackupPolicy';
import { BackupsTable } from './BackupsTable';
import { earliestRecoveryPoint } from './describeBackup';
import { RestoreDialog, RestoreTarget } from './RestoreDialog';
import { RestoreOutcome } from './RestoreProgress';
import { TakeBackup } from './TakeBackup';
import { useRestore } from './useRestore';
import { useBackupPermissions, useBackups } from './useBackups';
import { useClusterNoun } from '../../hooks/useClusterKind';

function BackupsList(props: {
  backups: BackupRecord[] | undefined;
  error?: Error;
  clusterUid?: string;
  onRetry: () => void;
  onRestore?: (backup: BackupRecord) => void;
}) {
  const { backups, error } = props;
  const noun = useClusterNoun();
  if (!backups) {
    return (
      <ErrorAlert
        title={`The ${noun}'s backups could not be loaded`}
        error={error ?? new Error('No answer')}
        onRetry={props.onRetry}
      />
    );
  }
  return (
    <Flex direction="column" gap="2">
      {error && (
        <Text color="warning">
          Refreshing failed ({error.message}); showing the last known backups.
        </Text>
      )}
      {backups.length === 0 ? (
        <Text color="secondary">
          This database has no backups yet. Take a backup, or declare
          spec.backup.schedule in the manifest to have them taken regularly.
        </Text>
      ) : (
        <BackupsTable
          backups={backups}
          clusterUid={props.clusterUid}
          onRestore={props.onRestore}
        />
      )}
    </Flex>
  );
}

/** The backups view of a loaded cluster, with the actions the user may run. */
function ClusterBackups(props: { cluster: ClusterResource }) {
  const { cluster } = props;
  const ref = {
    namespace: cluster.metadata.namespace,
    name: cluster.metadata.name,
  };
  const backups = useBackups(ref);
  const permissions = useBackupPermissions(ref);
  const restore = useRestore(ref);
  const [target, setTarget] = useState<RestoreTarget>();
  const capabilities = useEngineCapabilities(cluster.spec.engine);
  const policy = backupPolicyOf(cluster.spec);
  // Without the engine's capabilities (not installed, or unreadable) only
  // what the manifest declares is offered; the API refuses the rest anyway.
  const methods = capabilities.value?.backups.methods ?? [policy.method];
  const pointInTime = capabilities.value?.backups.pointInTime;
  const earliest = earliestRecoveryPoint(
    backups.value ?? [],
    cluster.metadata.uid,
  );
  if (backups.loading || capabilities.loading) {
    return <Skeleton width="100%" height={100} />;
  }
  return (
    <Flex direction="column" gap="3">
      <BackupPolicy
        cluster={cluster}
        pointInTime={pointInTime}
        earliestRecovery={earliest}
      />
      <Flex gap="3" align="end" style={{ flexWrap: 'wrap' }}>
        {permissions.canBackup && (
          <TakeBackup
            cluster={ref}
            methods={methods}
            defaultMethod={policy.method}
            backups={backups.value ?? []}
            onStarted={backups.refresh}
          />
        )}
        {permissions.canRestore &&
          pointInTime &&
          policy.logArchiving &&
          earliest && (
            <Button
              variant="secondary"
              onPress={() =>
                setTarget({ pointInTime: true, earliest, log: pointInTime.log })
              }
            >
              Restore to a point in time…
            </Button>
          )}
      </Flex>
      <RestoreOutcome restored={restore.restored} error={restore.error} />
      <BackupsList
        backups={backups.value}
        error={backups.error}
        clusterUid={cluster.metadata.uid}
        onRetry={backups.refresh}
        onRestore={
          permissions.canRestore ? backup => setTarget({ backup }) : undefined
        }
      />
      {target && (
        <RestoreDialog
          source={cluster}
          target={target}
          onRestore={request => {
            setTarget(undefined);
            restore.run(request);
          }}
          onCancel={() => setTarget(undefined)}
        />
      )}
    </Flex>
  );
}

/**
 * The backups of one cluster: the declared policy, every backup with its
 * verification, taking a backup and restoring one (or a moment in time)
 * into a new cluster, each for users with the permission.
 */
export function ClusterBackupsPanel({ cluster }: { cluster: ClusterRef }) {
  const noun = useClusterNoun();
  const { value, error, loading, refresh } = useCluster(cluster);
  if (loading) return <Skeleton width="100%" height={100} />;
  if (!value) {
    return (
      <ErrorAlert
        title={`The ${noun}'s backup policy could not be loaded`}
        error={error ?? new Error('No answer')}
        onRetry={refresh}
      />
    );
  }
  return <ClusterBackups cluster={value} />;
}

/** Entity card: the backups of the entity's clusters. */
export function ClusterBackupsCard() {
  return (
    <EntityClusterCard aspect="backups">
      {cluster => <ClusterBackupsPanel cluster={cluster} />}
    </EntityClusterCard>
  );
}
