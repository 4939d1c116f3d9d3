export {
  clusterRefsOf,
  formatClusterRef,
  hasBasaltClusters,
} from './clusterRefs';
