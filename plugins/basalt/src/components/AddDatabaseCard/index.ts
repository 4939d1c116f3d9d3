export {
  AddDatabaseCard,
  databaseFormData,
  DEFAULT_DATABASE_TEMPLATE,
} from './AddDatabaseCard';
