import { median } from './stats';

/** One trial of `yarn bench:backup`: the times and sizes of both sides. */
export interface Trial {
  order: string;
  baselineBackupMs: number;
  baselineBackupBytes: number;
  basaltBackupMs: number;
  basaltBackupBytes: number;
  baselineRestoreMs: number;
  basaltRestoreMs: number;
}

/** What Basalt must reach of the baseline's throughput. */
const TARGET_RATIO = 0.8;

export const MB = 1e6;
export const mb = (bytes: number) => `${(bytes / MB).toFixed(0)} MB`;
const rate = (bytes: number, ms: number) => bytes / MB / (ms / 1000);
export const sec = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const col = (text: string, width: number) => text.padStart(width);

/** Prints every trial, the medians and the ratios against the target. */
export function report(dbBytes: number, results: Trial[], scale: number): void {
  const line = (
    label: string,
    t: {
      bb: number;
      sb: number;
      br: number;
      sr: number;
      bbBytes: number;
      sbBytes: number;
    },
  ) =>
    [
      label.padEnd(10),
      col(`${sec(t.bb)} ${rate(dbBytes, t.bb).toFixed(1)}`, 16),
      col(`${sec(t.sb)} ${rate(dbBytes, t.sb).toFixed(1)}`, 16),
      col((t.bb / t.sb).toFixed(2), 6),
      col(`${sec(t.br)} ${rate(dbBytes, t.br).toFixed(1)}`, 16),
      col(`${sec(t.sr)} ${rate(dbBytes, t.sr).toFixed(1)}`, 16),
      col((t.br / t.sr).toFixed(2), 6),
      col(`${mb(t.bbBytes)} / ${mb(t.sbBytes)}`, 17),
      col(
        `${(dbBytes / t.bbBytes).toFixed(1)} / ${(dbBytes / t.sbBytes).toFixed(
          1,
        )}`,
        11,
      ),
    ].join(' ');
  const of = (t: Trial) => ({
    bb: t.baselineBackupMs,
    sb: t.basaltBackupMs,
    br: t.baselineRestoreMs,
    sr: t.basaltRestoreMs,
    bbBytes: t.baselineBackupBytes,
    sbBytes: t.basaltBackupBytes,
  });
  console.log(
    `\nbench:backup — 1-instance PostgreSQL cluster on the local runtime,` +
      ` filesystem repository; database ${mb(dbBytes)} (pg_database_size,` +
      ` pgbench -s ${scale}); MB = 10^6 bytes; MB/s = database size / time`,
  );
  console.log(
    [
      'trial'.padEnd(10),
      col('backup base', 16),
      col('backup Basalt', 16),
      col('ratio', 6),
      col('restore base', 16),
      col('restore Basalt', 16),
      col('ratio', 6),
      col('size base/Basalt', 17),
      col('compression', 11),
    ].join(' '),
  );
  console.log(
    [
      ''.padEnd(10),
      col('s MB/s', 16),
      col('s MB/s', 16),
      col('', 6),
      col('s MB/s', 16),
      col('s MB/s', 16),
      col('', 6),
      '',
    ].join(' '),
  );
  results.forEach((t, i) =>
    console.log(`${line(`${i + 1} ${t.order.split(' ')[0]}`, of(t))}`),
  );
  const m = (pick: (t: Trial) => number) => median(results.map(pick));
  const med = {
    bb: m(t => t.baselineBackupMs),
    sb: m(t => t.basaltBackupMs),
    br: m(t => t.baselineRestoreMs),
    sr: m(t => t.basaltRestoreMs),
    bbBytes: m(t => t.baselineBackupBytes),
    sbBytes: m(t => t.basaltBackupBytes),
  };
  console.log(line('median', med));
  const backupRatio = med.bb / med.sb;
  const restoreRatio = med.br / med.sr;
  const verdict = (r: number) => (r >= TARGET_RATIO ? 'pass' : 'FAIL');
  console.log(
    `\nBasalt/baseline throughput (medians; target ≥ ${TARGET_RATIO}):` +
      ` backup ${backupRatio.toFixed(2)} ${verdict(backupRatio)},` +
      ` restore ${restoreRatio.toFixed(2)} ${verdict(restoreRatio)}`,
  );
  console.log(
    `\nbackup base: pg_basebackup --pgdata=- --format=tar --wal-method=fetch` +
      ` --compress=client-gzip:1 --checkpoint=fast (Basalt's flags, as its` +
      ` replication account) piped into FilesystemRepository.put;` +
      ` backup Basalt: POST …/backups {method: physical} → Completed (polled every 100 ms);` +
      ` restore base: a volume like the cluster's, repository.get | tar -xzf - into it, then pg_ctl start -w until it accepts connections;` +
      ` restore Basalt: POST …/restore → new cluster Restored and Ready —` +
      ` this also includes a maintenance start to reset the credentials,` +
      ` which the baseline does not do.` +
      ` Trials alternate which of the two goes first.`,
  );
}
