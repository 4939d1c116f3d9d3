import { Alert, Flex } from '@backstage/ui';
import { PoolStatus } from '@basalt/plugin-basalt-common';
import { unenforcedReasons } from './describePool';
import { PoolChart } from './PoolChart';

/**
 * Volume-pool utilisation as a chart: per node and pool, bars for capacity
 * (physical, allocatable with over-allocation, allocated, used) and for
 * throughput, and a note when the runtime does not enforce the limits.
 */
export function PoolsChart(props: { pools: PoolStatus[] }) {
  const unenforced = unenforcedReasons(props.pools);
  return (
    <Flex direction="column" gap="3">
      {unenforced.map(({ reason, pools }) => (
        <Alert
          key={reason}
          status="warning"
          icon
          title="Volume limits are not enforced"
          description={`${reason.replace(
            /\.$/,
            '',
          )}. Sizes and throughput are only accounted for placement on ${pools.join(
            ', ',
          )}; a volume can grow beyond its size there.`}
        />
      ))}
      <Flex gap="3" style={{ flexWrap: 'wrap' }}>
        {props.pools.map(pool => (
          <PoolChart key={`${pool.node}/${pool.pool}`} pool={pool} />
        ))}
      </Flex>
    </Flex>
  );
}
