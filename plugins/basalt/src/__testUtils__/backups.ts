import { BackupRecord } from '@basalt/plugin-basalt-common';

export const MiB = 1024 * 1024;

/** The ISO time `minutes` before now. */
export const ago = (minutes: number) =>
  new Date(Date.now() - minutes * 60_000).toISOString();

/**
 * A backup of `payments/orders-db` (uid-1): by default a scheduled physical
 * one, completed an hour ago in 4.2 s, 42 MiB, checked and restore-tested.
 */
export function backupRecord(
  id: string,
  overrides: Partial<BackupRecord> = {},
): BackupRecord {
  const startedAt = ago(60);
  return {
    id,
    cluster: { namespace: 'payments', name: 'orders-db', uid: 'uid-1' },
    method: 'physical',
    trigger: 'scheduled',
    phase: 'Completed',
    repository: 'default',
    startedAt,
    completedAt: new Date(Date.parse(startedAt) + 4200).toISOString(),
    sizeBytes: 42 * MiB,
    verification: {
      verifiedAt: ago(59),
      checksum: 'passed',
      restoreTest: 'passed',
    },
    ...overrides,
  };
}
