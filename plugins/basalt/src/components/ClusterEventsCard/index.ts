export {
  ClusterEventsCard,
  ClusterEventsPanel,
  humanizeReason,
} from './ClusterEventsCard';
