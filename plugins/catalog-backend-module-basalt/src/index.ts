/**
 * Publishes Basalt clusters in the Backstage catalog as Resources.
 *
 * @packageDocumentation
 */

export { catalogModuleBasaltClusters as default } from './module';
export { BasaltClusterProvider } from './BasaltClusterProvider';
export { BasaltDatabasesProcessor } from './BasaltDatabasesProcessor';
export { ComponentDatabasesIndex } from './ComponentDatabasesIndex';
export type { IndexedCluster } from './ComponentDatabasesIndex';
export { clusterToEntity } from './clusterToEntity';
export {
  clusterDocs,
  readClusterDocs,
  RUNBOOKS,
  TECHDOCS_ENTITY_ANNOTATION,
} from './clusterDocs';
export type { ClusterDocs } from './clusterDocs';
