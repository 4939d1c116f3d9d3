import { InstanceStatus } from '@basalt/plugin-basalt-common';
import { describeLag } from './describe';

const replica = (status: Partial<InstanceStatus>): InstanceStatus => ({
  name: 'db-1',
  role: 'replica',
  node: 'node-b',
  ready: true,
  ...status,
});

describe('describeLag', () => {
  it('says caught up when every unit the engine measures is zero', () => {
    expect(describeLag(replica({ lag: { bytes: 0 } }))).toBe('caught up');
    expect(describeLag(replica({ lag: { bytes: 0, seconds: 0 } }))).toBe(
      'caught up',
    );
  });

  it('names each unit the engine measures', () => {
    expect(describeLag(replica({ lag: { bytes: 2048 } }))).toBe(
      '2.0 KiB behind',
    );
    expect(describeLag(replica({ lag: { seconds: 3, operations: 12 } }))).toBe(
      '3 s, 12 operations behind',
    );
  });

  it('reads a status written before lag had units', () => {
    expect(describeLag(replica({ lagBytes: 0 }))).toBe('caught up');
    expect(describeLag(replica({ lagBytes: 2048 }))).toBe('2.0 KiB behind');
  });

  it('says unknown for a replica whose lag was not measured, and nothing for a primary', () => {
    expect(describeLag(replica({}))).toBe('unknown');
    expect(describeLag({ ...replica({}), role: 'primary' })).toBe('—');
  });
});
