import { useApi } from '@backstage/frontend-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import { Button, Flex, Text } from '@backstage/ui';
import {
  basaltClusterUpdatePermission,
  ClusterRef,
} from '@basalt/plugin-basalt-common';
import { useState } from 'react';
import { basaltApiRef } from '../../api';
import { formatClusterRef } from '../../entity';
import { apiErrorMessage, ConfirmDialog } from '../common';

/**
 * Gives an account a new password, for those who may update the cluster,
 * after saying what it breaks: the engine has only one password per
 * account, so clients still using the old one fail until they take the new
 * one. `onRotated` lets a revealed password be hidden, as it is stale.
 */
export function RotatePassword(props: {
  cluster: ClusterRef;
  account: string;
  onRotated: () => void;
}) {
  const { cluster, account, onRotated } = props;
  const api = useApi(basaltApiRef);
  const { allowed } = usePermission({
    permission: basaltClusterUpdatePermission,
    resourceRef: formatClusterRef(cluster),
  });
  const [confirming, setConfirming] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; text: string }>();
  if (!allowed) return null;

  const rotate = async () => {
    setConfirming(false);
    try {
      await api.rotatePassword(cluster, account);
      setResult({
        ok: true,
        text: `Rotated: ${account} has a new password, set in the engine within seconds (see the events).`,
      });
      onRotated();
    } catch (error) {
      setResult({ ok: false, text: apiErrorMessage(error) });
    }
  };
  return (
    <Flex direction="column" gap="1">
      <Flex>
        <Button
          size="small"
          variant="tertiary"
          onPress={() => setConfirming(true)}
        >
          Rotate the password of {account}
        </Button>
      </Flex>
      {result && (
        <Text variant="body-small" color={result.ok ? 'secondary' : 'danger'}>
          {result.text}
        </Text>
      )}
      <ConfirmDialog
        isOpen={confirming}
        title={`Rotate the password of ${account}?`}
        confirmLabel="Rotate"
        onConfirm={rotate}
        onCancel={() => setConfirming(false)}
      >
        {account} gets a new password, and the old one stops working as soon as
        the engine has the new one. Applications connecting as {account} fail
        until they use the new password.
      </ConfirmDialog>
    </Flex>
  );
}
