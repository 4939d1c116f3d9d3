export { TeamEventsWidget } from './TeamEventsWidget';
