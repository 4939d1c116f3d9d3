import {
  ClusterCondition,
  ClusterResource,
} from '@basalt/plugin-basalt-common';
import { deletionProgress } from './deletionProgress';

const T0 = '2026-11-24T10:00:00.000Z';

function cluster(options: {
  deleting: boolean;
  conditions: Partial<ClusterCondition>[];
}): ClusterResource {
  return {
    metadata: {
      namespace: 'ci',
      name: 'db',
      generation: 1,
      ...(options.deleting && { deletionTimestamp: T0 }),
    },
    spec: { replicas: 1, terminationPolicy: 'BackupThenDelete' },
    status: {
      observedGeneration: 1,
      phase: options.deleting ? 'Deleting' : 'Running',
      endpoints: {},
      instances: [],
      conditions: options.conditions.map(c => ({
        status: 'True',
        message: '',
        observedGeneration: 1,
        lastTransitionTime: T0,
        ...c,
      })),
    },
  } as unknown as ClusterResource;
}

describe('deletionProgress', () => {
  it('is done once the cluster is gone', () => {
    expect(deletionProgress(undefined)).toEqual({
      done: true,
      value: undefined,
    });
  });

  it('waits while the deletion runs, saying what the cluster does', () => {
    expect(
      deletionProgress(
        cluster({
          deleting: true,
          conditions: [
            {
              type: 'Progressing',
              reason: 'BackingUp',
              message: 'Taking the final backup',
            },
          ],
        }),
      ),
    ).toEqual({
      done: false,
      waiting: 'phase Deleting; BackingUp: Taking the final backup',
    });
  });

  it('fails with the reason when the controller withdrew the deletion', () => {
    expect(() =>
      deletionProgress(
        cluster({
          deleting: false,
          conditions: [
            {
              type: 'DeletionBlocked',
              reason: 'FinalBackupFailed',
              message: 'The final backup failed: checksum mismatch',
            },
          ],
        }),
      ),
    ).toThrow(
      'EngineCluster ci/db was not deleted: The final backup failed: checksum mismatch',
    );
  });

  it('does not take a block from before the request for the answer while deletion is pending', () => {
    expect(
      deletionProgress(
        cluster({
          deleting: true,
          conditions: [
            {
              type: 'DeletionBlocked',
              reason: 'FinalBackupFailed',
              message: 'an earlier attempt',
            },
          ],
        }),
      ).done,
    ).toBe(false);
  });
});
