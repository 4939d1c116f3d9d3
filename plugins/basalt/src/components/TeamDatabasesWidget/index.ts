export { TeamDatabasesWidget, unhealthyReason } from './TeamDatabasesWidget';
