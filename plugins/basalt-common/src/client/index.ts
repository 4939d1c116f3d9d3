export type {
  BasaltApi,
  BasaltRequestOptions,
  ClusterListFilter,
  ClusterRef,
} from './BasaltApi';
export { BasaltClient } from './BasaltClient';
export type { BasaltDiscovery, BasaltFetch } from './BasaltClient';
