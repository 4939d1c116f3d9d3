import { Button, Flex, Text } from '@backstage/ui';
import { formatBytes, PoolStatus } from '@basalt/plugin-basalt-common';
import { useId, useState } from 'react';
import {
  capacityAmounts,
  describeCapacity,
  describeThroughput,
  formatRate,
  formatRatio,
  poolTitle,
  throughputAmounts,
} from './describePool';
import { summariseAllocations, unlimitedNote } from './describeAllocation';
import { PoolAllocations } from './PoolAllocations';
import { UtilisationBar } from './UtilisationBar';

/**
 * One node's pool: its capacity and its throughput as bars. Clicking a
 * bar, or the button under them (the keyboard's way), shows what each
 * cluster's volumes take; hovering the bars says it in short.
 */
export function PoolChart({ pool }: { pool: PoolStatus }) {
  const [open, setOpen] = useState(false);
  const listId = useId();
  const allocations = pool.allocations ?? [];
  const unlimited = unlimitedNote(pool.throughput.unlimitedVolumes);
  const title = poolTitle(pool);
  return (
    <Flex
      direction="column"
      gap="2"
      aria-label={`pool ${title}`}
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
        <Text weight="bold">{title}</Text>
        <Text variant="body-small" color="secondary">
          {pool.volumes.count} of {pool.volumes.max} volumes
        </Text>
      </Flex>
      {/* The button below is the accessible control; a click on the bars
          is a shortcut for pointer users. */}
      {/* eslint-disable-next-line jsx-a11y/click-events-have-key-events, jsx-a11y/no-static-element-interactions */}
      <div
        data-testid="pool-bars"
        title={
          allocations.length ? summariseAllocations(allocations) : undefined
        }
        onClick={() => allocations.length && setOpen(!open)}
        style={{ cursor: allocations.length ? 'pointer' : undefined }}
      >
        <Flex direction="column" gap="2">
          <Text variant="body-small" color="secondary">
            Capacity (over-allocation ×{' '}
            {formatRatio(pool.overAllocation.capacity)}
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
            label={`Throughput of ${describeThroughput(pool)}${
              unlimited ? `; ${unlimited}` : ''
            }`}
            amounts={throughputAmounts(pool)}
            format={formatRate}
          />
          {unlimited && (
            <Text variant="body-small" color="warning">
              {unlimited[0].toUpperCase() + unlimited.slice(1)}.
            </Text>
          )}
        </Flex>
      </div>
      {allocations.length > 0 && (
        <Flex direction="column" gap="2" align="start">
          <Button
            size="small"
            variant="secondary"
            aria-expanded={open}
            aria-controls={open ? listId : undefined}
            onPress={() => setOpen(!open)}
          >
            {open
              ? 'Hide the volumes by cluster'
              : `Show the volumes by cluster (${allocations.length})`}
          </Button>
          {open && (
            <PoolAllocations
              id={listId}
              title={title}
              allocations={allocations}
            />
          )}
        </Flex>
      )}
    </Flex>
  );
}
