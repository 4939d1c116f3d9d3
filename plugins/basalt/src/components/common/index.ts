export * from './describe';
export { ErrorAlert } from './ErrorAlert';
export { StatusText } from './StatusText';
export { tableStyles } from './tableStyles';
export { TableHead } from './TableHead';
export { apiErrorMessage } from './apiErrorMessage';
export { ConfirmDialog } from './ConfirmDialog';
