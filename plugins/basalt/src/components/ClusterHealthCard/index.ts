export { ClusterHealthCard } from './ClusterHealthCard';
export { ClusterHealth } from './ClusterHealth';
export { useCluster } from './useCluster';
