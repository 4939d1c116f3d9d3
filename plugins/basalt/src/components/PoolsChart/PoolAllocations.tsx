import { Flex, Text } from '@backstage/ui';
import { PoolAllocation } from '@basalt/plugin-basalt-common';
import {
  allocationName,
  describeAllocatedCapacity,
  describeAllocatedThroughput,
  describeInstances,
} from './describeAllocation';

/** One labelled figure of a cluster's share. */
function Figure(props: { label: string; value: string }) {
  return (
    <Text variant="body-small">
      <Text as="span" variant="body-small" color="secondary">
        {props.label}:
      </Text>{' '}
      {props.value}
    </Text>
  );
}

/**
 * What each cluster's volumes take of one node's pool: instances, capacity
 * (with what is used) and throughput limits, the clusters the user may not
 * read as one last item. A list of short lines rather than a table, so it
 * reads in a narrow pool card and to a screen reader alike.
 */
export function PoolAllocations(props: {
  id: string;
  title: string;
  allocations: PoolAllocation[];
}) {
  return (
    <ul
      id={props.id}
      aria-label={`Volumes in ${props.title} by cluster`}
      style={{ listStyle: 'none', margin: 0, padding: 0, width: '100%' }}
    >
      {props.allocations.map(allocation => (
        <li
          key={allocationName(allocation)}
          aria-label={allocationName(allocation)}
          style={{
            borderTop: '1px solid var(--bui-border-1)',
            padding: '6px 0',
          }}
        >
          <Flex direction="column" gap="1">
            <Text weight="bold" style={{ wordBreak: 'break-word' }}>
              {allocationName(allocation)}
            </Text>
            <Figure label="Instances" value={describeInstances(allocation)} />
            <Figure
              label="Capacity"
              value={describeAllocatedCapacity(allocation)}
            />
            <Figure
              label="Throughput"
              value={describeAllocatedThroughput(allocation)}
            />
          </Flex>
        </li>
      ))}
    </ul>
  );
}
