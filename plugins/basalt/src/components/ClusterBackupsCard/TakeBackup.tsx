import { useApi } from '@backstage/frontend-plugin-api';
import { Alert, Button, Flex, Select } from '@backstage/ui';
import {
  BackupMethod,
  BackupRecord,
  ClusterRef,
} from '@basalt/plugin-basalt-common';
import { useState } from 'react';
import { basaltApiRef } from '../../api';
import { apiErrorMessage, formatBytes } from '../common';
import { describePhase, METHOD_LABELS } from './describeBackup';

/**
 * The backup this page started, as the polled list shows it now (or as the
 * API answered, until the list has it): running with its size so far, then
 * completed or failed.
 */
function StartedBackup({ backup }: { backup: BackupRecord }) {
  if (backup.phase === 'Running') {
    return (
      <Alert
        status="info"
        icon
        isPending
        title={`Backup ${backup.id} is running`}
        description={`${formatBytes(
          backup.sizeBytes,
        )} written so far. It is listed below and completes on its own; you may leave this page.`}
      />
    );
  }
  if (backup.phase === 'Failed') {
    return (
      <Alert
        status="danger"
        icon
        title={`Backup ${backup.id} failed`}
        description={backup.error ?? 'The backend gave no reason.'}
      />
    );
  }
  return (
    <Alert
      status="success"
      icon
      title={`Backup ${backup.id} completed`}
      description={`${describePhase(backup).text}.`}
    />
  );
}

/**
 * Takes a backup now, by the chosen method of those the engine offers (the
 * policy's by default), and
 * follows it until it completes or fails. `backups` is the polled list, in
 * which the new backup's progress shows.
 */
export function TakeBackup(props: {
  cluster: ClusterRef;
  /** The methods the engine offers. */
  methods: BackupMethod[];
  defaultMethod: BackupMethod;
  backups: BackupRecord[];
  onStarted: () => void;
}) {
  const { cluster, backups, onStarted } = props;
  const api = useApi(basaltApiRef);
  const [method, setMethod] = useState<BackupMethod>(props.defaultMethod);
  const [started, setStarted] = useState<BackupRecord>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const take = async () => {
    setBusy(true);
    setError(undefined);
    try {
      setStarted(await api.createBackup(cluster, { method }));
      onStarted();
    } catch (e) {
      setError(apiErrorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  const current =
    started && (backups.find(b => b.id === started.id) ?? started);
  return (
    <Flex direction="column" gap="2">
      <Flex gap="2" align="end" style={{ flexWrap: 'wrap' }}>
        <Select
          label="Method"
          value={method}
          onChange={key => setMethod(key as BackupMethod)}
          options={props.methods.map(id => ({
            id,
            label: METHOD_LABELS[id],
          }))}
        />
        <Button
          variant="secondary"
          isDisabled={busy || current?.phase === 'Running'}
          onPress={take}
        >
          Take backup
        </Button>
      </Flex>
      {current && <StartedBackup backup={current} />}
      {error && (
        <Alert
          status="danger"
          icon
          title="The backup was not started"
          description={error}
        />
      )}
    </Flex>
  );
}
