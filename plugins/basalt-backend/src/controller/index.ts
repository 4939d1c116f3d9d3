export { ClusterController } from './ClusterController';
export type { ClusterControllerOptions } from './ClusterController';
export { Lease } from './Lease';
