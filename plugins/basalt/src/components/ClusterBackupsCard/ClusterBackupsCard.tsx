import { Alert, Button, Flex, Skeleton, Text } from '@backstage/ui';
import { ClusterRef, ClusterResource } from '@basalt/plugin-basalt-common';
import { ErrorAlert } from '../common';
import { EntityClusterCard } from '../EntityClusterCard';
import { useCluster } from '../ClusterHealthCard';

const TERMINATION: Record<
  ClusterResource['spec']['terminationPolicy'],
  string
> = {
  Delete:
    'Deleting this database deletes its data at once, without a final backup.',
  BackupThenDelete:
    'Deleting this database first takes and verifies a final backup; until backups are available, Basalt refuses to delete it.',
  DoNotTerminate: 'This database cannot be deleted until its policy changes.',
};

function DeclaredPolicy({ cluster }: { cluster: ClusterResource }) {
  const { backup, terminationPolicy } = cluster.spec;
  return (
    <Flex direction="column" gap="1" aria-label="Backup policy">
      <Text>
        {backup?.schedule
          ? `Declared schedule: "${backup.schedule}" (cron), kept for ${
              backup.retention ?? 'the default retention'
            }, in repository "${backup.repository}".`
          : 'The manifest declares no backup schedule.'}
      </Text>
      <Text variant="body-small" color="secondary">
        {TERMINATION[terminationPolicy]}
      </Text>
    </Flex>
  );
}

/**
 * The backups of one cluster and the actions on them. This Basalt backend
 * cannot take or keep backups yet, so the panel says so plainly and shows
 * what the manifest asks for, rather than an empty list that would suggest
 * backups simply have not run.
 */
export function ClusterBackupsPanel({ cluster }: { cluster: ClusterRef }) {
  const { value, error, loading, refresh } = useCluster(cluster);
  if (loading) return <Skeleton width="100%" height={100} />;
  if (!value) {
    return (
      <ErrorAlert
        title="The database's backup policy could not be loaded"
        error={error ?? new Error('No answer')}
        onRetry={refresh}
      />
    );
  }
  return (
    <Flex direction="column" gap="3">
      <Alert
        status="warning"
        icon
        title="Backups are not available in this Basalt installation yet"
        description="The backend has no backup repository support, so this database has no backups: none are listed, taken or restored. Keep your own copy of data you cannot lose."
      />
      <DeclaredPolicy cluster={value} />
      <Flex gap="2">
        <Button variant="secondary" size="small" isDisabled>
          Take a backup
        </Button>
        <Button variant="secondary" size="small" isDisabled>
          Restore to a new database
        </Button>
      </Flex>
    </Flex>
  );
}

/** Entity card: the backups of the entity's database(s). */
export function ClusterBackupsCard() {
  return (
    <EntityClusterCard title="Database backups">
      {cluster => <ClusterBackupsPanel cluster={cluster} />}
    </EntityClusterCard>
  );
}
