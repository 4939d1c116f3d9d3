import { Alert, Link } from '@backstage/ui';
import {
  ClusterConditionTypes,
  ClusterReasons,
  ClusterRef,
  ClusterResource,
} from '@basalt/plugin-basalt-common';
import { formatClusterRef } from '../../entity';
import { useCluster } from '../ClusterHealthCard';
import { useClusterNoun } from '../../hooks/useClusterKind';
import { useClusterEntityLink } from '../../hooks/useClusterEntityLink';

type Progress = {
  status: 'info' | 'success' | 'danger';
  title: string;
  description: string;
  pending?: boolean;
};

/** Where a restored cluster is: restoring, restored but starting, ready, failed. */
export function restoreProgress(
  ref: ClusterRef,
  cluster: ClusterResource | undefined,
  noun = 'cluster',
): Progress {
  const name = formatClusterRef(ref);
  const conditions = cluster?.status?.conditions ?? [];
  const restored = conditions.find(
    c => c.type === ClusterConditionTypes.Restored,
  );
  const ready = conditions.find(c => c.type === ClusterConditionTypes.Ready);
  if (restored?.reason === ClusterReasons.RestoreFailed) {
    return {
      status: 'danger',
      title: `Restoring ${name} failed`,
      description: restored.message,
    };
  }
  if (restored?.status === 'True' && ready?.status === 'True') {
    return {
      status: 'success',
      title: `${name} is restored and ready`,
      description: `${restored.message} ${ready.message}`,
    };
  }
  if (restored?.status === 'True') {
    return {
      status: 'info',
      pending: true,
      title: `${name}: data restored, starting`,
      description: ready?.message ?? restored.message,
    };
  }
  return {
    status: 'info',
    pending: true,
    title: `Restoring ${name}`,
    description:
      restored?.message ?? `Creating the new ${noun}; this takes a moment.`,
  };
}

/**
 * Follows a cluster created by a restore until it is ready (or the restore
 * failed), with a link to its Data page when the catalog is there.
 */
export function RestoreProgress({ cluster }: { cluster: ClusterRef }) {
  const { value } = useCluster(cluster);
  const noun = useClusterNoun();
  const clusterLink = useClusterEntityLink();
  const progress = restoreProgress(cluster, value, noun);
  const href = clusterLink(cluster);
  return (
    <Alert
      status={progress.status}
      icon
      isPending={progress.pending}
      title={progress.title}
      description={progress.description}
      customActions={
        href && (
          <Link href={`${href}/database`}>
            Open the Data page of {cluster.name}
          </Link>
        )
      }
    />
  );
}

/** What became of the last restore asked for here, if one was. */
export function RestoreOutcome(props: {
  restored?: ClusterRef;
  error?: string;
}) {
  if (props.restored) return <RestoreProgress cluster={props.restored} />;
  if (!props.error) return null;
  return (
    <Alert
      status="danger"
      icon
      title="The restore was refused"
      description={props.error}
    />
  );
}
