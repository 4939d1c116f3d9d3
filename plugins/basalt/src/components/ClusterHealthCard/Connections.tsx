import { useApi } from '@backstage/frontend-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import { Button, Flex, Link, Text } from '@backstage/ui';
import {
  AccountConnection,
  basaltClusterCredentialsReadPermission,
  ClusterRef,
  ClusterResource,
} from '@basalt/plugin-basalt-common';
import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { basaltApiRef } from '../../api';
import { formatClusterRef } from '../../entity';
import { apiErrorMessage } from '../common';
import { RotatePassword } from './RotatePassword';

const mono = { fontFamily: 'monospace', wordBreak: 'break-all' } as const;

/** Copies `text` to the clipboard, saying so for a moment. */
function CopyButton(props: { text: string; label: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <Button
      size="small"
      variant="secondary"
      aria-label={props.label}
      onPress={async () => {
        await navigator.clipboard.writeText(props.text);
        setCopied(true);
        setTimeout(() => setCopied(false), 2000);
      }}
    >
      {copied ? 'Copied' : 'Copy'}
    </Button>
  );
}

/**
 * The account's password, revealed on demand to those with
 * `basalt.cluster.credentials.read` (the backend records each reveal), and
 * its rotation for those who may update the cluster.
 */
function Password(props: { cluster: ClusterRef; account: string }) {
  const api = useApi(basaltApiRef);
  const { allowed, loading } = usePermission({
    permission: basaltClusterCredentialsReadPermission,
    resourceRef: formatClusterRef(props.cluster),
  });
  const [password, setPassword] = useState<string>();
  const [error, setError] = useState<string>();
  if (loading) return null;
  const rotate = (
    <RotatePassword
      cluster={props.cluster}
      account={props.account}
      onRotated={() => setPassword(undefined)}
    />
  );
  if (!allowed) {
    return (
      <Flex direction="column" gap="1">
        <Text variant="body-small" color="secondary">
          The password is shown only to those allowed to read the cluster's
          credentials (basalt.cluster.credentials.read).
        </Text>
        {rotate}
      </Flex>
    );
  }
  if (password === undefined) {
    return (
      <Flex direction="column" gap="1">
        <Flex>
          <Button
            size="small"
            variant="secondary"
            onPress={async () => {
              try {
                setError(undefined);
                const revealed = await api.revealPassword(
                  props.cluster,
                  props.account,
                );
                setPassword(revealed.password);
              } catch (e) {
                setError(apiErrorMessage(e));
              }
            }}
          >
            Reveal the password of {props.account}
          </Button>
        </Flex>
        {error && <Text color="danger">{error}</Text>}
        {rotate}
      </Flex>
    );
  }
  return (
    <Flex align="center" gap="2">
      <Text style={mono} aria-label={`password of ${props.account}`}>
        {password}
      </Text>
      <CopyButton
        text={password}
        label={`Copy the password of ${props.account}`}
      />
      <Button
        size="small"
        variant="tertiary"
        onPress={() => setPassword(undefined)}
      >
        Hide
      </Button>
      {rotate}
    </Flex>
  );
}

function Account(props: {
  cluster: ClusterRef;
  connection: AccountConnection;
  /** The cluster has replicas, which the read-only endpoint spreads over. */
  replicated: boolean;
}) {
  const { connection } = props;
  const settings = connection.readWrite ?? connection.readOnly;
  return (
    <Flex
      direction="column"
      gap="1"
      aria-label={`connect as ${connection.account}`}
    >
      <Text variant="body-small" color="secondary">
        {connection.account} ({connection.role})
        {connection.database ? ` to ${connection.database}` : ''}
      </Text>
      {settings ? (
        <>
          <Flex align="center" gap="2">
            <Text style={mono} aria-label={`URL of ${connection.account}`}>
              {settings.url}
            </Text>
            <CopyButton
              text={settings.url}
              label={`Copy the URL of ${connection.account}`}
            />
          </Flex>
          <Text variant="body-small" color="secondary">
            {settings.parameters.map(p => `${p.name}=${p.value}`).join(' ')}
          </Text>
          {props.replicated && connection.readOnly && connection.readWrite && (
            <Text variant="body-small" color="secondary">
              Reads can go to the replicas: {connection.readOnly.url}
            </Text>
          )}
        </>
      ) : (
        <Text color="secondary">No endpoint yet.</Text>
      )}
      <Password cluster={props.cluster} account={connection.account} />
    </Flex>
  );
}

/**
 * How an application connects: for each account of the manifest, the URL
 * (without the password) and settings, each with a copy button, and the
 * password for those allowed to see it.
 */
export function Connections({ cluster }: { cluster: ClusterResource }) {
  const api = useApi(basaltApiRef);
  const ref = cluster.metadata;
  const endpoints = cluster.status?.endpoints;
  const { value, error } = useAsync(
    () => api.getConnections(ref),
    [api, ref.namespace, ref.name, endpoints?.readWrite, endpoints?.readOnly],
  );
  if (error) {
    return (
      <Text color="danger">
        The connection settings could not be loaded: {apiErrorMessage(error)}
      </Text>
    );
  }
  if (!value) return null;
  return (
    <Flex direction="column" gap="3" aria-label="Connect">
      <Text variant="title-x-small">Connect</Text>
      {value.accounts.length === 0 && (
        <Text color="secondary">
          The manifest declares no account (spec.accounts): add one for the
          application to connect with.
        </Text>
      )}
      {value.caCertificateUrl && value.caCertificateFile && (
        <Text variant="body-small" color="secondary">
          The server is verified with the cluster's CA certificate: save{' '}
          <Link href={value.caCertificateUrl}>ca.crt</Link> as{' '}
          {value.caCertificateFile} beside the application.
        </Text>
      )}
      {value.accounts.map(connection => (
        <Account
          key={connection.account}
          cluster={ref}
          connection={connection}
          replicated={cluster.spec.replicas > 1}
        />
      ))}
    </Flex>
  );
}
