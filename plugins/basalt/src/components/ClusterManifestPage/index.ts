export { ClusterManifest, ClusterManifestPage } from './ClusterManifestPage';
