export { ClusterLogsCard } from './ClusterLogsCard';
export { ClusterLogsPanel } from './ClusterLogsPanel';
