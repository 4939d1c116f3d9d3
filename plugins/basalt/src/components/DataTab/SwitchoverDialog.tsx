import { Radio, RadioGroup } from '@backstage/ui';
import { ClusterResource } from '@basalt/plugin-basalt-common';
import { useState } from 'react';
import { ConfirmDialog, describeLag } from '../common';

// Radio values are strings; instance names are DNS labels, so a value with
// spaces cannot be mistaken for one.
const MOST_ADVANCED = 'the most advanced replica';

/**
 * Asks before a planned switchover and which replica should become the
 * primary: the most advanced one (the default, as the backend picks it when
 * it is ready) or one the user names. Replicas that are not ready cannot be
 * chosen, as the controller would refuse them.
 */
export function SwitchoverDialog(props: {
  cluster: ClusterResource;
  isOpen: boolean;
  /** Called with the chosen replica, or without one for the most advanced. */
  onConfirm: (target?: string) => void;
  onCancel: () => void;
}) {
  const { cluster } = props;
  const [choice, setChoice] = useState(MOST_ADVANCED);
  const instances = cluster.status?.instances ?? [];
  const primary = instances.find(i => i.role === 'primary');
  const replicas = instances.filter(i => i.role === 'replica');
  // The next opening starts from the default again.
  const done = () => setChoice(MOST_ADVANCED);

  return (
    <ConfirmDialog
      isOpen={props.isOpen}
      title={`Switch ${cluster.metadata.name} over to a replica?`}
      confirmLabel="Switch over"
      onConfirm={() => {
        done();
        props.onConfirm(choice === MOST_ADVANCED ? undefined : choice);
      }}
      onCancel={() => {
        done();
        props.onCancel();
      }}
      fields={
        <RadioGroup label="New primary" value={choice} onChange={setChoice}>
          <Radio value={MOST_ADVANCED}>
            The most advanced replica (the one that has received the most)
          </Radio>
          {replicas.map(replica => (
            <Radio
              key={replica.name}
              value={replica.name}
              isDisabled={!replica.ready}
            >
              {`${replica.name} on ${replica.node}, ${
                replica.ready ? describeLag(replica) : 'not ready'
              }`}
            </Radio>
          ))}
        </RadioGroup>
      }
    >
      {`The primary role moves ${
        primary ? `from ${primary.name} ` : ''
      }to the chosen replica; the former primary rejoins as a replica. `}
      Writes pause for about a second while the primary changes; no committed
      write is lost.
    </ConfirmDialog>
  );
}
