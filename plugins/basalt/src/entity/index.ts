export {
  clusterRefsOf,
  formatClusterRef,
  hasBasaltClusters,
} from './clusterRefs';
export { needsBasaltDatabase } from './needsDatabase';
