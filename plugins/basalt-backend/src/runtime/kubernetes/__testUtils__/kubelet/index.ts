export { KubeletSimulator } from './KubeletSimulator';
export type { KubeletSimulatorOptions } from './KubeletSimulator';
export { defaultImages } from './images';
export type { ImageTable, SimulatedImage } from './images';
export { DEFAULT_EXEC_PROTOCOLS } from './execStream';
