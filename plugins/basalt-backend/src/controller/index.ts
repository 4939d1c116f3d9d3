export { ClusterController } from './ClusterController';
export type {
  ClusterControllerOptions,
  ControllerBackups,
} from './ClusterController';
export { Lease } from './Lease';
