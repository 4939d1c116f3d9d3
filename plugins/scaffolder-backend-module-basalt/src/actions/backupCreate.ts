import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  BACKUP_METHODS,
  BackupRecord,
  backupPolicyOf,
  formatBytes,
} from '@basalt/plugin-basalt-common';
import { BasaltCaller } from '../basalt/BasaltCaller';
import { backupName, backupProgress } from '../basalt/backupProgress';
import { poll } from '../basalt/poll';
import { stepError } from '../basalt/stepError';
import { examples } from './backupCreate.examples';
import { timeoutSecondsInput } from './waitInputs';

const DEFAULT_TIMEOUT_SECONDS = 1800;
// Backups take seconds to hours; a look a second is prompt and cheap.
const POLL_MS = 1000;
// At most one progress line per this many ms in the task log.
const PROGRESS_EVERY_MS = 5000;

/**
 * Creates the `basalt:backup:create` action: takes a backup of a cluster as
 * the requesting user and by default waits until it is completed, with
 * every object in the repository and its checksum.
 *
 * @public
 */
export function createBackupCreateAction(options: { basalt: BasaltCaller }) {
  return createTemplateAction({
    id: 'basalt:backup:create',
    description:
      "Takes a backup of an EngineCluster into its backup repository, as the requesting user, and waits until it is completed with each object's SHA-256",
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        namespace: z => z.string({ description: 'Namespace of the cluster' }),
        name: z => z.string({ description: 'Name of the cluster' }),
        method: z =>
          z
            .enum(BACKUP_METHODS, {
              description:
                "physical (the data directory, the basis of point-in-time recovery) or logical (a dump per database); default: the cluster's spec.backup.method, physical unless set",
            })
            .optional(),
        waitForCompletion: z =>
          z
            .boolean({
              description:
                'Wait until the backup is completed (default true); otherwise output its id while it runs',
            })
            .optional(),
        timeoutSeconds: timeoutSecondsInput(
          DEFAULT_TIMEOUT_SECONDS,
          'How long to wait',
          '; the backup goes on after a timeout',
        ),
      },
      output: {
        clusterRef: z =>
          z.string({ description: 'The cluster as <namespace>/<name>' }),
        method: z =>
          z.string({ description: 'physical or logical' }).optional(),
        backupId: z =>
          z
            .string({ description: 'The backup, for a later restore' })
            .optional(),
        phase: z =>
          z
            .enum(['Running', 'Completed', 'Failed'], {
              description: 'Where the backup is: Completed when waited for',
            })
            .optional(),
        repository: z =>
          z
            .string({ description: 'The repository the backup is kept in' })
            .optional(),
        sizeBytes: z =>
          z
            .number({
              description: 'Bytes written (all of them once Completed)',
            })
            .optional(),
        sha256: z =>
          z
            .record(z.string(), {
              description:
                'Hex SHA-256 of each object by its name, e.g. sha256["base.tar.gz"] of a physical backup, or sha256["<database>.dump"] per database of a logical one; set once Completed',
            })
            .optional(),
        objects: z =>
          z
            .array(
              z.object({
                key: z.string(),
                name: z.string(),
                size: z.number(),
                sha256: z.string(),
              }),
              {
                description:
                  'The objects in the repository, each with its key, size and SHA-256; set once Completed',
              },
            )
            .optional(),
        log: z =>
          z
            .object(
              {
                start: z.string(),
                end: z.string(),
                details: z.record(z.union([z.string(), z.number()])).optional(),
              },
              {
                description:
                  "Physical backups: where the copy spans the engine's log (WAL for PostgreSQL), in the engine's notation; a restore is consistent from end",
              },
            )
            .optional(),
        wal: z =>
          z
            .object(
              {
                start: z.string(),
                end: z.string(),
                timeline: z.number(),
              },
              {
                description:
                  'Deprecated, goes in the next release: log, for engines with a timeline (PostgreSQL)',
              },
            )
            .optional(),
        startedAt: z =>
          z.string({ description: 'When it started (ISO 8601)' }).optional(),
        completedAt: z =>
          z.string({ description: 'When it completed (ISO 8601)' }).optional(),
      },
    },
    async handler(ctx) {
      const ref = { namespace: ctx.input.namespace, name: ctx.input.name };
      const clusterRef = `${ref.namespace}/${ref.name}`;
      ctx.output('clusterRef', clusterRef);
      const request = await options.basalt.as(
        await ctx.getInitiatorCredentials(),
      );
      const { api } = options.basalt;

      if (ctx.isDryRun) {
        // Reading the cluster is all a dry run does; the request would act.
        const cluster = await api
          .getCluster(ref, request)
          .catch(error => Promise.reject(stepError(error)));
        const policy = backupPolicyOf(cluster.spec);
        const method = ctx.input.method ?? policy.method;
        ctx.output('method', method);
        ctx.output('repository', policy.repository);
        ctx.logger.info(
          `Would take a ${method} backup of EngineCluster ${clusterRef} into repository ${policy.repository}`,
        );
        return;
      }

      // A retried task finds the checkpoint and does not start a second backup.
      const started = await ctx.checkpoint({
        key: `basalt.backup.create.${clusterRef}`,
        fn: async () => {
          try {
            const backup = await api.createBackup(
              ref,
              ctx.input.method ? { method: ctx.input.method } : {},
              request,
            );
            return { id: backup.id, method: backup.method };
          } catch (error) {
            throw stepError(error);
          }
        },
      });
      ctx.output('backupId', started.id);
      ctx.output('method', started.method);
      ctx.logger.info(
        `Started ${started.method} backup ${started.id} of EngineCluster ${clusterRef}`,
      );

      const look = () =>
        api
          .getBackup(ref, started.id, request)
          .catch(error => Promise.reject(stepError(error)));
      if (ctx.input.waitForCompletion === false) {
        const now = await look();
        outputBackup(now);
        backupProgress(now); // fails the step if the backup failed already
        return;
      }

      const timeoutSeconds =
        ctx.input.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
      let lastLog = { at: Date.now(), sizeBytes: 0 };
      const completed = await poll(
        async () => {
          const backup = await look();
          if (
            backup.phase === 'Running' &&
            backup.sizeBytes !== lastLog.sizeBytes &&
            Date.now() - lastLog.at >= PROGRESS_EVERY_MS
          ) {
            ctx.logger.info(
              `Backup ${backup.id}: ${formatBytes(
                backup.sizeBytes,
              )} written so far`,
            );
            lastLog = { at: Date.now(), sizeBytes: backup.sizeBytes };
          }
          return backupProgress(backup);
        },
        {
          timeoutMs: timeoutSeconds * 1000,
          intervalMs: POLL_MS,
          signal: ctx.signal,
          timedOut: description =>
            new Error(
              `Backup ${started.id} of EngineCluster ${clusterRef} had not completed within ${timeoutSeconds} s (${description}); it goes on in the background under that id`,
            ),
        },
      );
      outputBackup(completed);
      ctx.logger.info(
        `Completed ${backupName(completed)}: ${formatBytes(
          completed.sizeBytes,
        )} in ${completed.objects?.length ?? 0} object(s), checksummed`,
      );

      function outputBackup(backup: BackupRecord) {
        ctx.output('phase', backup.phase);
        ctx.output('repository', backup.repository);
        ctx.output('sizeBytes', backup.sizeBytes);
        ctx.output('startedAt', backup.startedAt);
        if (backup.completedAt) ctx.output('completedAt', backup.completedAt);
        if (backup.log) ctx.output('log', backup.log);
        if (backup.wal) ctx.output('wal', backup.wal);
        if (backup.objects) {
          ctx.output('objects', backup.objects);
          ctx.output(
            'sha256',
            Object.fromEntries(backup.objects.map(o => [o.name, o.sha256])),
          );
        }
      }
    },
  });
}
