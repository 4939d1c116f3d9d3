export type { BasaltApi, BasaltRequestOptions } from './BasaltApi';
export { BasaltClient } from './BasaltClient';
export type { BasaltDiscovery, BasaltFetch } from './BasaltClient';
