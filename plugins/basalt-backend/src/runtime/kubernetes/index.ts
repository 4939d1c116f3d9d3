export { KubernetesRuntime, NODE_POOL_ROOT } from './KubernetesRuntime';
export type { KubernetesRuntimeOptions } from './KubernetesRuntime';
export { NamespaceMapping } from './NamespaceMapping';
export { engineImages } from './engineImages';
export type { EngineImage } from './engineImages';
export type { PodAccess } from './PodAddresses';
