import {
  ClusterCondition,
  ClusterResource,
} from '@basalt/plugin-basalt-common';
import { describeRestoreSource, restorePending } from './restoreProgress';

function restoring(restored?: Partial<ClusterCondition>): ClusterResource {
  return {
    metadata: { namespace: 'ci', name: 'copy-db', generation: 1 },
    spec: { replicas: 1, restore: { backup: 'b1' } },
    status: {
      observedGeneration: 1,
      phase: 'Creating',
      endpoints: {},
      instances: [],
      conditions: restored
        ? [
            {
              type: 'Restored',
              observedGeneration: 1,
              lastTransitionTime: '2026-11-24T10:00:00.000Z',
              ...restored,
            },
          ]
        : [],
    },
  } as unknown as ClusterResource;
}

describe('describeRestoreSource', () => {
  it("says where the data comes from, preferring the cluster's spec.restore", () => {
    expect(describeRestoreSource({ backup: 'b1' }, 'ci/db')).toBe(
      'backup b1 of ci/db',
    );
    expect(
      describeRestoreSource(
        { cluster: 'ci/db', time: '2026-11-24T08:30:00Z' },
        'ci/db',
      ),
    ).toBe('ci/db as of 2026-11-24T08:30:00Z');
    expect(describeRestoreSource({ cluster: 'ci/db' }, 'ci/db')).toBe(
      'the latest state of ci/db',
    );
    expect(describeRestoreSource({ name: 'copy-db' }, 'ci/db')).toBe(
      'the latest backup of ci/db',
    );
    expect(
      describeRestoreSource(
        { name: 'copy-db', time: '2026-11-24T08:30:00Z' },
        'ci/db',
      ),
    ).toBe('ci/db as of 2026-11-24T08:30:00Z');
  });
});

describe('restorePending', () => {
  it('is nothing once the data is restored', () => {
    expect(
      restorePending(
        restoring({
          status: 'True',
          reason: 'RestoreComplete',
          message: 'Restored',
        }),
      ),
    ).toBeUndefined();
  });

  it('says what is still going on while restoring', () => {
    expect(restorePending(restoring())).toBe('the restore has not started yet');
    expect(
      restorePending(
        restoring({
          status: 'False',
          reason: 'Restoring',
          message: 'Replaying WAL',
        }),
      ),
    ).toBe('Restored is False (Restoring: Replaying WAL)');
  });

  it("fails with the condition's message when the restore failed", () => {
    expect(() =>
      restorePending(
        restoring({
          status: 'False',
          reason: 'RestoreFailed',
          message: 'base.tar.gz does not match its SHA-256',
        }),
      ),
    ).toThrow(
      'EngineCluster ci/copy-db could not be restored: base.tar.gz does not match its SHA-256',
    );
  });
});
