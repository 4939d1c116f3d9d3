export { KubeletSimulator } from './KubeletSimulator';
export type { KubeletSimulatorOptions } from './KubeletSimulator';
