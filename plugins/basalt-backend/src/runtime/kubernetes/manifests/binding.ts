import { V1Secret } from '@kubernetes/client-node';
import { AccountBinding, ClusterKey } from '@basalt/plugin-basalt-node';
import { clusterLabels, LABELS, ObjectNames } from '../names';
import { OwnerObject, ownedBy } from './owner';

/** The {@link LABELS.component} of binding Secrets. */
export const BINDING_COMPONENT = 'binding';
/** Which account a binding Secret is of. */
export const BINDING_ACCOUNT_LABEL = 'basalt.dev/account';

/**
 * One account's Service Binding (servicebinding.io): a Secret of type
 * `servicebinding.io/<type>` whose entries a Deployment mounts as files, or
 * that a ServiceBinding resource projects into it.
 */
export function bindingSecret(input: {
  cluster: ClusterKey;
  kubeNamespace: string;
  binding: AccountBinding;
  owner: OwnerObject;
}): V1Secret {
  const { cluster, binding } = input;
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: `servicebinding.io/${binding.entries.type}`,
    metadata: {
      name: new ObjectNames(cluster).bindingSecret(binding.account),
      namespace: input.kubeNamespace,
      labels: {
        ...clusterLabels(cluster),
        [LABELS.component]: BINDING_COMPONENT,
        [BINDING_ACCOUNT_LABEL]: binding.account,
      },
      ownerReferences: ownedBy(input.owner),
    },
    stringData: binding.entries,
  };
}

/** The entries of a binding Secret as read back (its `data` is base64). */
export function bindingEntriesIn(secret: V1Secret): Record<string, string> {
  return Object.fromEntries(
    Object.entries(secret.data ?? {}).map(([key, value]) => [
      key,
      Buffer.from(value, 'base64').toString('utf8'),
    ]),
  );
}
