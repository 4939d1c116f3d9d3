import { EntityClusterCard } from '../EntityClusterCard';
import { ClusterLogsPanel } from './ClusterLogsPanel';

/** Entity card: a live tail of the entity's database logs. */
export function ClusterLogsCard() {
  return (
    <EntityClusterCard aspect="logs">
      {cluster => <ClusterLogsPanel cluster={cluster} />}
    </EntityClusterCard>
  );
}
