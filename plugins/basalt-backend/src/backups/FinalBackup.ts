import {
  BackupRecord,
  OWNER_ANNOTATION,
  backupPolicyOf,
} from '@basalt/plugin-basalt-common';
import { ClusterKey } from '@basalt/plugin-basalt-node';
import { StoredCluster, BackupStore, LifecycleStore } from '../store';
import { BackupRunner } from './BackupRunner';
import { BackupVerifier } from './BackupVerifier';
import { ClusterAccessor, PrimaryAccess } from './clusterAccess';
import { LogArchiver } from './LogArchiver';

/** Records one step of a final backup as an event. */
export type RecordEvent = (
  type: 'Normal' | 'Warning',
  reason: string,
  message: string,
) => Promise<void>;

/** The outcome of {@link FinalBackup.ensure}. */
export type FinalBackupOutcome =
  | { ok: true; backupId: string }
  | { ok: false; message: string };

/**
 * The final backup of a `BackupThenDelete` deletion: locks the primary
 * against writes (so nothing written after the backup is lost), archives
 * the log spooled so far, takes a backup, verifies it (checksums, and a
 * restore test unless the manifest turns it off) and only then lets the
 * deletion go on. When any step fails the primary takes writes again and
 * the caller keeps the cluster.
 */
export class FinalBackup {
  constructor(
    private readonly deps: {
      accessor: ClusterAccessor;
      runner: BackupRunner;
      verifier: BackupVerifier;
      archiver: LogArchiver;
      backups: BackupStore;
      lifecycle: LifecycleStore;
    },
  ) {}

  /** Takes it; `report` is told what it does now, in plain words. */
  async ensure(
    stored: StoredCluster,
    recordEvent: RecordEvent,
    report: (progress: string) => void = () => {},
  ): Promise<FinalBackupOutcome> {
    const { cluster } = stored;
    let access: PrimaryAccess;
    try {
      access = await this.deps.accessor.primary(
        cluster,
        stored.primaryInstance,
      );
    } catch (error) {
      return { ok: false, message: (error as Error).message };
    }
    try {
      await access.driver.setWritesLocked(access.primary, access.engine, true);
      await recordEvent(
        'Normal',
        'WritesLocked',
        'Writes are refused while the final backup is taken',
      );
      const record = await this.#takeAndVerify(
        access,
        stored,
        recordEvent,
        report,
      );
      await this.deps.lifecycle.setFinalBackup(cluster.metadata.uid, record.id);
      return { ok: true, backupId: record.id };
    } catch (error) {
      await access.driver
        .setWritesLocked(access.primary, access.engine, false)
        .catch(() => {});
      return { ok: false, message: (error as Error).message };
    }
  }

  /**
   * Removes what a final backup cut short by a backend that stopped left
   * running: its restore test's temporary instance. (The backup it was
   * taking is failed by the backups' own housekeeping; the write lock is
   * taken again by the next attempt.)
   */
  async removeLeftovers(cluster: ClusterKey): Promise<void> {
    await this.deps.verifier.removeTemporaryInstance(cluster);
  }

  async #takeAndVerify(
    access: PrimaryAccess,
    stored: StoredCluster,
    recordEvent: RecordEvent,
    report: (progress: string) => void,
  ): Promise<BackupRecord> {
    const { cluster } = stored;
    const policy = backupPolicyOf(cluster.spec);
    report('Archiving the last log files');
    // Best effort: the backup itself holds all it needs to be restored.
    await this.deps.archiver.archive(cluster).catch(() => 0);
    const started = await this.deps.runner.start(
      access,
      cluster.metadata.annotations[OWNER_ANNOTATION],
      { trigger: 'final', requestedBy: 'basalt:controller' },
    );
    report(`Taking backup ${started.record.id}`);
    const record = await started.done;
    if (record.phase !== 'Completed') {
      throw new Error(`the final backup ${record.id} failed: ${record.error}`);
    }
    report(
      policy.restoreTest
        ? `Verifying backup ${record.id}: checksums, then a restore test`
        : `Verifying backup ${record.id}: checksums`,
    );
    const verification = await this.deps.verifier.verify(access, record, {
      restoreTest: policy.restoreTest,
    });
    await this.deps.backups.setVerification(record.id, verification);
    if (
      verification.checksum !== 'passed' ||
      verification.restoreTest === 'failed'
    ) {
      throw new Error(
        `the final backup ${record.id} did not pass verification: ${verification.message}`,
      );
    }
    await recordEvent(
      'Normal',
      'FinalBackupVerified',
      `Final backup ${record.id} verified: checksums match${
        verification.restoreTest === 'passed'
          ? `; ${verification.message}`
          : '; restore test turned off'
      }`,
    );
    return record;
  }
}
