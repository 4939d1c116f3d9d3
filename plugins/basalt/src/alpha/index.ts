export { basaltPlugin } from './plugin';
