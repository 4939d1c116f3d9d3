export { BasaltPage } from './BasaltPage';
