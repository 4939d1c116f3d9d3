import { useApi } from '@backstage/frontend-plugin-api';
import { Alert, Button, Flex, NumberField, Text } from '@backstage/ui';
import { ClusterResource } from '@basalt/plugin-basalt-common';
import { useState } from 'react';
import { basaltApiRef } from '../../api';
import { ConfirmDialog } from '../common';
import { SwitchoverDialog } from './SwitchoverDialog';
import { useClusterPermissions } from './useClusterPermissions';
import { useClusterNoun } from '../../hooks/useClusterKind';

type Operation = 'scale' | 'restart' | 'switchover' | 'delete';

const MAX_REPLICAS = 9;

/** What deleting does under each termination policy. */
const DELETION: Record<ClusterResource['spec']['terminationPolicy'], string> = {
  Delete:
    'Its instances and all their data are deleted, without a backup. This cannot be undone.',
  BackupThenDelete:
    'Basalt first stops writes, takes a final backup and checks it (checksums and a restore test), and deletes the instances only once that succeeds. If it fails, the database stays as it was and its health says why.',
  DoNotTerminate:
    'Basalt refuses: apply the manifest with another termination policy first.',
};

/**
 * Day-2 operations on one cluster: scale, restart, switchover (with more
 * than one instance) and delete, each shown only to users with the
 * permission, disruptive ones behind a confirmation. Changes made here
 * are overwritten by the next apply of the manifest in the service's
 * repository, which stays the source of truth.
 */
export function ClusterOperations(props: {
  cluster: ClusterResource;
  onChanged: () => void;
}) {
  const { cluster, onChanged } = props;
  const { namespace, name } = cluster.metadata;
  const ref = { namespace, name };
  const api = useApi(basaltApiRef);
  const noun = useClusterNoun();
  const permissions = useClusterPermissions(ref);
  const [replicas, setReplicas] = useState(cluster.spec.replicas);
  const [confirming, setConfirming] = useState<Operation>();
  const [result, setResult] = useState<{ ok: boolean; text: string }>();
  const [busy, setBusy] = useState(false);

  if (permissions.loading) return null;
  if (!permissions.canUpdate && !permissions.canDelete) {
    return (
      <Text color="secondary">
        You may look at this {noun} but not change it; its owning team can.
      </Text>
    );
  }

  /** `target` is the switchover's chosen replica, if one was chosen. */
  const run = async (operation: Operation, target?: string) => {
    setConfirming(undefined);
    setBusy(true);
    setResult(undefined);
    try {
      if (operation === 'scale') await api.scaleCluster(ref, replicas);
      if (operation === 'restart') await api.restartCluster(ref);
      if (operation === 'switchover') {
        await api.switchoverCluster(ref, target);
      }
      if (operation === 'delete') await api.deleteCluster(ref);
      const done: Record<Operation, string> = {
        scale: `Scaling to ${replicas} instance(s); follow it in the health and events.`,
        restart: 'Restarting, replicas first; follow it in the events.',
        switchover: `Switching over to ${
          target ?? 'the most advanced replica'
        }; the health shows the new primary once it serves.`,
        delete: `Deletion requested; the ${noun} goes once its instances are removed.`,
      };
      setResult({ ok: true, text: done[operation] });
      onChanged();
    } catch (error) {
      setResult({ ok: false, text: (error as Error).message });
    } finally {
      setBusy(false);
    }
  };
  const scalingDown = replicas < cluster.spec.replicas;
  const deleting = Boolean(cluster.metadata.deletionTimestamp);
  // A switchover needs a replica to promote; the API refuses it otherwise.
  const canSwitchOver =
    cluster.spec.replicas > 1 && (cluster.status?.instances.length ?? 0) > 1;

  return (
    <Flex direction="column" gap="3" aria-label="Operations">
      <Flex gap="3" align="end" style={{ flexWrap: 'wrap' }}>
        {permissions.canUpdate && (
          <>
            <NumberField
              label="Instances"
              minValue={1}
              maxValue={MAX_REPLICAS}
              value={replicas}
              onChange={setReplicas}
              isDisabled={deleting}
            />
            {/* Enabled even at the current count: the field commits a
                typed number only when it loses focus, which pressing this
                button does, so disabling it would swallow the first press. */}
            <Button
              variant="secondary"
              isDisabled={busy || deleting}
              onPress={() => {
                if (replicas === cluster.spec.replicas) {
                  setResult({
                    ok: true,
                    text: `Already ${replicas} instance(s): choose another number to scale.`,
                  });
                } else if (scalingDown) {
                  setConfirming('scale');
                } else {
                  run('scale');
                }
              }}
            >
              Scale
            </Button>
            <Button
              variant="secondary"
              isDisabled={busy || deleting}
              onPress={() => setConfirming('restart')}
            >
              Restart
            </Button>
            {canSwitchOver && (
              <Button
                variant="secondary"
                isDisabled={busy || deleting}
                onPress={() => setConfirming('switchover')}
              >
                Switch over
              </Button>
            )}
          </>
        )}
        {permissions.canDelete && (
          <Button
            variant="secondary"
            destructive
            isDisabled={busy || deleting}
            onPress={() => setConfirming('delete')}
          >
            Delete
          </Button>
        )}
      </Flex>
      {result && (
        <Alert
          status={result.ok ? 'success' : 'danger'}
          icon
          title={result.ok ? 'Requested' : 'Not done'}
          description={result.text}
        />
      )}
      <ConfirmDialog
        isOpen={confirming === 'scale'}
        title={`Scale ${ref.name} down to ${replicas}?`}
        confirmLabel="Scale down"
        destructive
        onConfirm={() => run('scale')}
        onCancel={() => setConfirming(undefined)}
      >
        Replicas beyond {replicas} are removed with their data; clients using
        the read-only endpoint lose some capacity. The primary is never removed.
      </ConfirmDialog>
      <ConfirmDialog
        isOpen={confirming === 'restart'}
        title={`Restart ${ref.name}?`}
        confirmLabel="Restart"
        onConfirm={() => run('restart')}
        onCancel={() => setConfirming(undefined)}
      >
        Every instance restarts, replicas first and one at a time. Connections
        to each instance are dropped while it restarts, and writes pause while
        the primary does.
      </ConfirmDialog>
      <SwitchoverDialog
        cluster={cluster}
        isOpen={confirming === 'switchover'}
        onConfirm={target => run('switchover', target)}
        onCancel={() => setConfirming(undefined)}
      />
      <ConfirmDialog
        isOpen={confirming === 'delete'}
        title={`Delete ${ref.name}?`}
        confirmLabel="Delete"
        destructive
        typeToConfirm={ref.name}
        onConfirm={() => run('delete')}
        onCancel={() => setConfirming(undefined)}
      >
        {`Its termination policy is ${cluster.spec.terminationPolicy}. `}
        {DELETION[cluster.spec.terminationPolicy]}
      </ConfirmDialog>
    </Flex>
  );
}
