export type {
  BasaltApi,
  BasaltRequestOptions,
  ClusterListFilter,
  ClusterLogsHandlers,
  ClusterLogsQuery,
  ClusterPlan,
  ClusterRef,
} from './BasaltApi';
export { BasaltClient } from './BasaltClient';
export type { BasaltDiscovery, BasaltFetch } from './BasaltClient';
export { readEventStream } from './readEventStream';
export type { ServerSentEvent } from './readEventStream';
