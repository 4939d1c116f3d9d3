import { Flex, Text } from '@backstage/ui';
import { formatBytes, PoolStatus } from '@basalt/plugin-basalt-common';
import {
  capacityAmounts,
  describeCapacity,
  describeThroughput,
  formatRate,
  formatRatio,
  poolTitle,
  throughputAmounts,
} from './describePool';
import { UtilisationBar } from './UtilisationBar';

/** One node's pool: its capacity and its throughput as bars. */
export function PoolChart({ pool }: { pool: PoolStatus }) {
  return (
    <Flex
      direction="column"
      gap="2"
      aria-label={`pool ${poolTitle(pool)}`}
      role="group"
      style={{
        border: '1px solid var(--bui-border-1)',
        borderRadius: 6,
        padding: 12,
        minWidth: 280,
        flex: '1 1 320px',
      }}
    >
      <Flex justify="between" align="center" gap="2">
        <Text weight="bold">{poolTitle(pool)}</Text>
        <Text variant="body-small" color="secondary">
          {pool.volumes.count} of {pool.volumes.max} volumes
        </Text>
      </Flex>
      <Text variant="body-small" color="secondary">
        Capacity (over-allocation × {formatRatio(pool.overAllocation.capacity)}
        {pool.capacity.usedBytes === undefined && '; use unknown'})
      </Text>
      <UtilisationBar
        label={`Capacity of ${describeCapacity(pool)}`}
        amounts={capacityAmounts(pool)}
        format={formatBytes}
      />
      <Text variant="body-small" color="secondary">
        Throughput (over-allocation ×{' '}
        {formatRatio(pool.overAllocation.throughput)})
      </Text>
      <UtilisationBar
        label={`Throughput of ${describeThroughput(pool)}`}
        amounts={throughputAmounts(pool)}
        format={formatRate}
      />
    </Flex>
  );
}
