import { Flex, TextField } from '@backstage/ui';
import {
  BackupRecord,
  ClusterResource,
  RestoreRequest,
} from '@basalt/plugin-basalt-common';
import { useState } from 'react';
import { ConfirmDialog, formatTime } from '../common';
import {
  dnsLabelProblem,
  formatLocalMinute,
  parseRecoveryTime,
  recoveryTimeProblem,
} from './restoreInput';
import { useClusterNoun } from '../../hooks/useClusterKind';

/**
 * What to restore from: one backup, or a moment in time (replaying the
 * engine's archived `log`, e.g. WAL).
 */
export type RestoreTarget =
  | { backup: BackupRecord }
  | { pointInTime: true; earliest?: string; log: string };

function describeTarget(
  target: RestoreTarget,
  sourceName: string,
  noun: string,
) {
  if ('backup' in target) {
    const { backup } = target;
    return {
      title: `Restore backup ${backup.id} into a new ${noun}?`,
      what: `the data of backup ${backup.id} (${
        backup.method
      }, taken ${formatTime(backup.startedAt)})`,
    };
  }
  return {
    title: `Restore ${sourceName} to a point in time?`,
    what: `its data as it was at the chosen moment, from its physical backups and archived ${target.log}`,
  };
}

/** Why the new cluster's name cannot be used, if it cannot. */
function nameProblem(
  name: string,
  namespace: string,
  source: ClusterResource,
  noun: string,
) {
  const problem = dnsLabelProblem(name);
  if (problem) return problem;
  const { name: sourceName, namespace: sourceNamespace } = source.metadata;
  return name === sourceName && namespace === sourceNamespace
    ? `${sourceName} is the source ${noun}; choose a new name.`
    : undefined;
}

/**
 * Asks for the new cluster a restore creates: its name (a DNS label of at
 * most 40 characters), its namespace (the source's by default) and, for a
 * point-in-time recovery, the moment to recover to. Mounted for one
 * restore at a time, so every opening starts afresh.
 */
export function RestoreDialog(props: {
  source: ClusterResource;
  target: RestoreTarget;
  onRestore: (request: RestoreRequest) => void;
  onCancel: () => void;
}) {
  const { source, target } = props;
  const noun = useClusterNoun();
  const [name, setName] = useState('');
  const [namespace, setNamespace] = useState(source.metadata.namespace);
  const [time, setTime] = useState(() => formatLocalMinute(new Date()));
  const pointInTime = 'pointInTime' in target;
  const problems = {
    name: nameProblem(name, namespace, source, noun),
    namespace: dnsLabelProblem(namespace, 63),
    time: pointInTime ? recoveryTimeProblem(time, target.earliest) : undefined,
  };
  const valid = !problems.name && !problems.namespace && !problems.time;
  const { title, what } = describeTarget(target, source.metadata.name, noun);

  const confirm = () => {
    const request: RestoreRequest = { name, namespace };
    if ('backup' in target) request.backup = target.backup.id;
    else request.time = parseRecoveryTime(time)!.toISOString();
    props.onRestore(request);
  };
  return (
    <ConfirmDialog
      isOpen
      title={title}
      confirmLabel="Restore"
      confirmDisabled={!valid}
      onConfirm={confirm}
      onCancel={props.onCancel}
      fields={
        <Flex direction="column" gap="3">
          <TextField
            label={`Name of the new ${noun}`}
            placeholder={`${source.metadata.name}-restored`}
            value={name}
            onChange={setName}
            validationBehavior="aria"
            validate={() => (name === '' ? null : problems.name ?? null)}
          />
          <TextField
            label="Namespace"
            value={namespace}
            onChange={setNamespace}
            validationBehavior="aria"
            validate={() => problems.namespace ?? null}
          />
          {pointInTime && (
            <TextField
              label="Recover to"
              description="YYYY-MM-DD HH:MM in your time zone, or ISO 8601 with a zone"
              value={time}
              onChange={setTime}
              validationBehavior="aria"
              validate={() => problems.time ?? null}
            />
          )}
        </Flex>
      }
    >
      {`A new ${noun} is created with the spec of ${source.metadata.name} (engine, version, instances, resources) and ${what}. ${source.metadata.name} itself is not changed. The new ${noun} is not in the service's repository: add its manifest there to keep it.`}
    </ConfirmDialog>
  );
}
