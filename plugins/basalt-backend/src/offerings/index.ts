export { readOfferings } from './readOfferings';
