export { KubeletSimulator } from './KubeletSimulator';
