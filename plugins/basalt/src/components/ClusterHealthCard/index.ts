export { ClusterHealthCard, ClusterHealthPanel } from './ClusterHealthCard';
export { ClusterHealth } from './ClusterHealth';
export { useCluster } from './useCluster';
