import { Flex, Text } from '@backstage/ui';
import { CSSProperties } from 'react';
import { BarAmounts, percentOf } from './describePool';

/** The chart's colours; the legend and the label carry the same meaning in words. */
const BAR_COLOURS = {
  /** Over-allocation headroom, striped: it is promised, not physically there. */
  allocatable:
    'repeating-linear-gradient(135deg, var(--bui-border-1) 0 3px, transparent 3px 7px)',
  physical: 'var(--bui-border-1)',
  allocated: 'var(--bui-accent-bg)',
  overPhysical: 'var(--bui-fg-warning)',
  overAllocatable: 'var(--bui-fg-negative)',
  used: 'var(--bui-fg-positive)',
  marker: 'var(--bui-fg-primary)',
};

function segment(
  name: string,
  from: number,
  to: number,
  scale: number,
  style: CSSProperties,
) {
  if (to <= from) return null;
  return (
    <div
      data-segment={name}
      style={{
        position: 'absolute',
        left: `${(from / scale) * 100}%`,
        width: `${((to - from) / scale) * 100}%`,
        // Something small next to a large pool still shows.
        minWidth: 2,
        ...style,
      }}
    />
  );
}

function Swatch(props: { colour: string; text: string; narrow?: boolean }) {
  return (
    <Flex align="center" gap="1">
      <span
        aria-hidden
        style={{
          display: 'inline-block',
          width: props.narrow ? 3 : 10,
          height: 10,
          borderRadius: props.narrow ? 0 : 2,
          background: props.colour,
          border: '1px solid var(--bui-border-1)',
        }}
      />
      <Text variant="body-small">{props.text}</Text>
    </Flex>
  );
}

/**
 * One horizontal bar: the allocatable range as the track with the physical
 * part of it shaded and marked, the allocated amount over it (coloured
 * where it reaches beyond physical, and beyond allocatable), and what is
 * used as a strip along the bottom. `label` says all of it in words for
 * screen readers; the legend says it for everyone.
 */
export function UtilisationBar(props: {
  label: string;
  amounts: BarAmounts;
  format: (amount: number) => string;
}) {
  const { physical, allocatable, allocated, used } = props.amounts;
  const scale = Math.max(physical, allocatable, allocated, used ?? 0, 1);
  const bar = { top: 4, height: 14, borderRadius: 2 };
  return (
    <Flex direction="column" gap="1">
      <div
        role="img"
        aria-label={props.label}
        style={{ position: 'relative', height: 24, width: '100%' }}
      >
        {segment('allocatable', 0, allocatable, scale, {
          top: 0,
          height: 24,
          boxSizing: 'border-box',
          border: '1px solid var(--bui-border-1)',
          borderRadius: 4,
          background: BAR_COLOURS.allocatable,
        })}
        {segment('physical', 0, physical, scale, {
          top: 0,
          height: 24,
          borderRadius: '4px 0 0 4px',
          background: BAR_COLOURS.physical,
        })}
        {segment('allocated', 0, Math.min(allocated, physical), scale, {
          ...bar,
          background: BAR_COLOURS.allocated,
        })}
        {segment(
          'over-physical',
          physical,
          Math.min(allocated, allocatable),
          scale,
          { ...bar, background: BAR_COLOURS.overPhysical },
        )}
        {segment('over-allocatable', allocatable, allocated, scale, {
          ...bar,
          background: BAR_COLOURS.overAllocatable,
        })}
        {used !== undefined &&
          segment('used', 0, used, scale, {
            bottom: 0,
            height: 4,
            background: BAR_COLOURS.used,
          })}
        {segment('physical-marker', physical, physical + scale / 400, scale, {
          top: 0,
          height: 24,
          background: BAR_COLOURS.marker,
        })}
      </div>
      <Flex gap="3" style={{ flexWrap: 'wrap' }} aria-hidden>
        <Swatch
          colour={BAR_COLOURS.allocated}
          text={`Allocated ${props.format(allocated)} (${percentOf(
            allocated,
            physical,
          )} of physical)`}
        />
        {allocated > physical && (
          <Swatch
            colour={BAR_COLOURS.overPhysical}
            text={`Beyond physical ${props.format(
              Math.min(allocated, allocatable) - physical,
            )}`}
          />
        )}
        {allocated > allocatable && (
          <Swatch
            colour={BAR_COLOURS.overAllocatable}
            text={`Beyond allocatable ${props.format(allocated - allocatable)}`}
          />
        )}
        {used !== undefined && (
          <Swatch
            colour={BAR_COLOURS.used}
            text={`Used ${props.format(used)} (${percentOf(used, physical)})`}
          />
        )}
        <Swatch
          colour={BAR_COLOURS.marker}
          narrow
          text={`Physical ${props.format(physical)}`}
        />
        <Swatch
          colour={BAR_COLOURS.allocatable}
          text={`Allocatable ${props.format(allocatable)}`}
        />
      </Flex>
    </Flex>
  );
}
