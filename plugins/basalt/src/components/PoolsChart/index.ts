export { PoolsChart } from './PoolsChart';
