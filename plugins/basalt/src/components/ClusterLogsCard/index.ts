export { ClusterLogsCard } from './ClusterLogsCard';
export { ClusterLogsPanel } from './ClusterLogsPanel';
export { filterLines } from './filterLines';
