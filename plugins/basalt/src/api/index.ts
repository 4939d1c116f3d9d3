export { basaltApiRef } from './basaltApiRef';
