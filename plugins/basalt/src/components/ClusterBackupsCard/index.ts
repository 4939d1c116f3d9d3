export { ClusterBackupsCard, ClusterBackupsPanel } from './ClusterBackupsCard';
