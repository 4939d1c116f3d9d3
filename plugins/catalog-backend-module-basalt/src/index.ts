/**
 * Publishes Basalt clusters in the Backstage catalog as Resources.
 *
 * @packageDocumentation
 */

export { catalogModuleBasaltClusters as default } from './module';
export { BasaltClusterProvider } from './BasaltClusterProvider';
export { clusterToEntity } from './clusterToEntity';
