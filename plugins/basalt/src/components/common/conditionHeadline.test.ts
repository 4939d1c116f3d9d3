import { ClusterCondition } from '@basalt/plugin-basalt-common';
import { conditionHeadline } from './describe';

const condition = (
  type: ClusterCondition['type'],
  status: ClusterCondition['status'],
  reason: ClusterCondition['reason'],
): ClusterCondition => ({
  type,
  status,
  reason,
  message: '',
  observedGeneration: 1,
  lastTransitionTime: '2026-11-24T08:00:00Z',
});

describe('conditionHeadline', () => {
  it('says where a restore from a backup stands', () => {
    expect(
      conditionHeadline(condition('Restored', 'False', 'Restoring'), false),
    ).toEqual({ text: 'Restoring from a backup', tone: 'info' });
    expect(
      conditionHeadline(condition('Restored', 'True', 'RestoreComplete'), true),
    ).toEqual({ text: 'Restored from a backup', tone: 'success' });
    expect(
      conditionHeadline(condition('Restored', 'False', 'RestoreFailed'), false),
    ).toEqual({ text: 'The restore failed', tone: 'danger' });
  });

  it('says a deletion was refused', () => {
    expect(
      conditionHeadline(
        condition('DeletionBlocked', 'True', 'FinalBackupFailed'),
        true,
      ),
    ).toEqual({
      text: 'Not deleted: the deletion was refused',
      tone: 'danger',
    });
  });

  it('says when a volume is nearly full and whether limits are enforced', () => {
    expect(
      conditionHeadline(
        condition('VolumePressure', 'True', 'WritesLocked'),
        true,
      ),
    ).toEqual({
      text: 'Writes locked: a volume is nearly full',
      tone: 'danger',
    });
    expect(
      conditionHeadline(
        condition('VolumeLimitsEnforced', 'False', 'LimitsNotEnforced'),
        true,
      ),
    ).toEqual({ text: 'Volume limits not enforced', tone: 'warning' });
    expect(
      conditionHeadline(
        condition('ResourceLimitsEnforced', 'False', 'LimitsNotEnforced'),
        true,
      ),
    ).toEqual({ text: 'CPU and memory limits not enforced', tone: 'warning' });
  });
});
