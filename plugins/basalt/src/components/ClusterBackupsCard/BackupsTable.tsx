import { Button, Flex, Text } from '@backstage/ui';
import { BackupRecord } from '@basalt/plugin-basalt-common';
import { CSSProperties, ReactNode } from 'react';
import {
  formatTime,
  StatusText,
  tableStyles as styles,
  TableHead,
} from '../common';
import {
  describePhase,
  describeTrigger,
  describeVerification,
  latestCompleted,
  METHOD_LABELS,
} from './describeBackup';

const latestStyle: CSSProperties = {
  background: 'var(--bui-positive-bg-subdued)',
  boxShadow: 'inset 3px 0 0 var(--bui-positive-border)',
};

function Secondary({ children }: { children: ReactNode }) {
  return (
    <Text as="p" variant="body-small" color="secondary">
      {children}
    </Text>
  );
}

function BackupRow(props: {
  backup: BackupRecord;
  latest: boolean;
  /** Set when another cluster of the same name took this backup. */
  earlier: boolean;
  onRestore?: (backup: BackupRecord) => void;
}) {
  const { backup, latest, earlier, onRestore } = props;
  const phase = describePhase(backup);
  const verification = describeVerification(backup);
  return (
    <tr aria-label={`backup ${backup.id}`} style={latest ? latestStyle : {}}>
      <td style={styles.td}>
        <Text as="p">{formatTime(backup.startedAt)}</Text>
        <Secondary>
          {backup.id}
          {earlier ? ' · from an earlier cluster of this name' : ''}
        </Secondary>
      </td>
      <td style={styles.td}>{METHOD_LABELS[backup.method]}</td>
      <td style={styles.td}>{describeTrigger(backup)}</td>
      <td style={styles.td}>
        <StatusText tone={phase.tone}>{phase.text}</StatusText>
        {latest && <Secondary>Latest completed backup</Secondary>}
        {backup.error && <Text color="danger">{backup.error}</Text>}
      </td>
      <td style={styles.td}>
        {verification.tone ? (
          <StatusText tone={verification.tone}>{verification.text}</StatusText>
        ) : (
          <Text color="secondary">{verification.text}</Text>
        )}
        {verification.detail && <Secondary>{verification.detail}</Secondary>}
      </td>
      {onRestore && (
        <td style={styles.td}>
          {backup.phase === 'Completed' && (
            <Button
              size="small"
              variant="secondary"
              aria-label={`Restore backup ${backup.id}`}
              onPress={() => onRestore(backup)}
            >
              Restore…
            </Button>
          )}
        </td>
      )}
    </tr>
  );
}

/**
 * A cluster's backups, newest first, with the latest completed one
 * highlighted as the one a restore uses by default. `onRestore` is given
 * only to users who may restore.
 */
export function BackupsTable(props: {
  backups: BackupRecord[];
  clusterUid?: string;
  onRestore?: (backup: BackupRecord) => void;
}) {
  const { backups, clusterUid, onRestore } = props;
  const latest = latestCompleted(backups);
  const columns = ['Started', 'Method', 'Trigger', 'Status', 'Verification'];
  return (
    <Flex direction="column" gap="1" style={{ overflowX: 'auto' }}>
      <table style={styles.table} aria-label="Backups">
        <TableHead columns={onRestore ? [...columns, 'Actions'] : columns} />
        <tbody>
          {backups.map(backup => (
            <BackupRow
              key={backup.id}
              backup={backup}
              latest={backup === latest}
              earlier={Boolean(clusterUid && backup.cluster.uid !== clusterUid)}
              onRestore={onRestore}
            />
          ))}
        </tbody>
      </table>
    </Flex>
  );
}
