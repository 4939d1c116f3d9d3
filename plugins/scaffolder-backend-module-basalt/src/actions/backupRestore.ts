import { ConflictError, InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  RestoreRequest,
  engineClusterMetadataSchema,
  restoreSourceSchema,
} from '@basalt/plugin-basalt-common';
import { BasaltCaller } from '../basalt/BasaltCaller';
import {
  describeRestoreSource,
  restorePending,
} from '../basalt/restoreProgress';
import { stepError } from '../basalt/stepError';
import { waitForReady } from '../basalt/waitForReady';
import { examples } from './backupRestore.examples';
import { timeoutSecondsInput } from './waitInputs';

const DEFAULT_TIMEOUT_SECONDS = 900;

/** The restore inputs as a handler receives them. */
export type RestoreInput = {
  namespace: string;
  name: string;
  targetName: string;
  targetNamespace?: string;
  backup?: string;
  time?: string;
};

type Ref = { namespace: string; name: string };

/** Runs a schema of the API's contract on one input, naming the input. */
function check(
  input: string,
  value: string | undefined,
  schema: {
    safeParse(value: unknown): {
      success: boolean;
      error?: { issues: { message: string }[] };
    };
  },
): string[] {
  if (value === undefined) return [];
  const result = schema.safeParse(value);
  return result.success
    ? []
    : (result.error?.issues ?? []).map(i => `${input}: ${i.message}`);
}

/**
 * The restore the inputs ask for, checked with the API's own rules before
 * anything is requested, so a dry run finds what the API would refuse.
 *
 * @throws InputError naming every input that is wrong.
 */
export function restoreRequestOf(input: RestoreInput): {
  source: Ref;
  target: Ref;
  request: RestoreRequest;
} {
  const source = { namespace: input.namespace, name: input.name };
  const target = {
    namespace: input.targetNamespace ?? input.namespace,
    name: input.targetName,
  };
  const [byBackup, byCluster] = restoreSourceSchema.options;
  const problems = [
    ...(input.backup !== undefined && input.time !== undefined
      ? ['backup, time: give a backup id or a time to recover to, not both']
      : []),
    ...check('backup', input.backup, byBackup.shape.backup),
    ...check('time', input.time, byCluster.shape.time),
    ...check(
      'targetName',
      input.targetName,
      engineClusterMetadataSchema.shape.name,
    ),
    ...check(
      'targetNamespace',
      input.targetNamespace,
      engineClusterMetadataSchema.shape.namespace,
    ),
    ...(target.namespace === source.namespace && target.name === source.name
      ? [
          `targetName: must name a new cluster, not the source ${source.namespace}/${source.name}`,
        ]
      : []),
  ];
  if (problems.length > 0) throw new InputError(problems.join('; '));
  return {
    source,
    target,
    request: {
      name: target.name,
      ...(input.targetNamespace && { namespace: input.targetNamespace }),
      ...(input.backup && { backup: input.backup }),
      ...(input.time && { time: input.time }),
    },
  };
}

/**
 * Creates the `basalt:backup:restore` action: restores a cluster's backup,
 * or its state at a moment (point-in-time recovery), into a new cluster
 * with the source's spec, as the requesting user, and by default waits
 * until the new cluster is Ready.
 *
 * @public
 */
export function createBackupRestoreAction(options: { basalt: BasaltCaller }) {
  return createTemplateAction({
    id: 'basalt:backup:restore',
    description:
      "Restores an EngineCluster's backup, or its state at a point in time, into a new cluster with the source's spec, as the requesting user, and waits until the new cluster is Ready",
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        namespace: z =>
          z.string({ description: 'Namespace of the source cluster' }),
        name: z =>
          z.string({
            description:
              'Name of the source cluster; a deleted one restores from the backups it left',
          }),
        targetName: z =>
          z.string({
            description:
              'Name of the new cluster to restore into, a DNS label; it must not exist yet',
          }),
        targetNamespace: z =>
          z
            .string({
              description:
                "Namespace of the new cluster (default: the source's)",
            })
            .optional(),
        backup: z =>
          z
            .string({
              description:
                'Id of the backup to restore (default: the latest); not with time',
            })
            .optional(),
        time: z =>
          z
            .string({
              description:
                'A moment to recover to, in ISO 8601 with its zone, e.g. 2026-11-24T08:30:00Z (point-in-time recovery from physical backups and the archived log, WAL for PostgreSQL; only for engines that have it); not with backup',
            })
            .optional(),
        waitForReady: z =>
          z
            .boolean({
              description:
                'Wait until the new cluster is restored and Ready (default true)',
            })
            .optional(),
        timeoutSeconds: timeoutSecondsInput(DEFAULT_TIMEOUT_SECONDS),
      },
      output: {
        clusterRef: z =>
          z.string({ description: 'The new cluster as <namespace>/<name>' }),
        namespace: z =>
          z.string({ description: 'Namespace of the new cluster' }),
        name: z => z.string({ description: 'Name of the new cluster' }),
        entityRef: z =>
          z.string({
            description:
              "The new cluster's Resource in the catalog, e.g. resource:default/payments-db-restored",
          }),
        uid: z => z.string({ description: 'The new cluster uid' }).optional(),
        restoredFrom: z =>
          z.string({
            description:
              'Where the data comes from, in words, e.g. "backup 20261124T083012Z-7f3a of payments/payments-db"',
          }),
        backupId: z =>
          z
            .string({
              description: 'The backup restored, when the restore is from one',
            })
            .optional(),
        readWriteEndpoint: z =>
          z
            .string({ description: 'host:port that leads to the primary' })
            .optional(),
        readOnlyEndpoint: z =>
          z
            .string({ description: 'host:port spread over the replicas' })
            .optional(),
        credentials: z =>
          z
            .string({
              description:
                "Where the new cluster's credentials are kept (a file or Secret reference)",
            })
            .optional(),
      },
    },
    async handler(ctx) {
      // Refuse bad inputs before touching anything, naming each one.
      const { source, target, request } = restoreRequestOf(ctx.input);
      const sourceRef = `${source.namespace}/${source.name}`;
      const targetRef = `${target.namespace}/${target.name}`;
      ctx.output('clusterRef', targetRef);
      ctx.output('namespace', target.namespace);
      ctx.output('name', target.name);
      ctx.output('entityRef', `resource:${target.namespace}/${target.name}`);
      const requestOptions = await options.basalt.as(
        await ctx.getInitiatorCredentials(),
      );
      const { api } = options.basalt;
      const read = <T>(promise: Promise<T>) =>
        promise.catch(error => Promise.reject(stepError(error)));

      if (ctx.isDryRun) {
        // Reading is all a dry run does; the request would create a cluster.
        // A deleted source still restores from the backups it left.
        await read(
          api.getCluster(source, requestOptions).catch(async error => {
            const left =
              error?.statusCode === 404 &&
              (await api.listBackups(source, requestOptions)).length > 0;
            if (!left) throw error;
          }),
        );
        if (request.backup) {
          const backup = await read(
            api.getBackup(source, request.backup, requestOptions),
          );
          if (backup.phase !== 'Completed') {
            throw new InputError(
              `backup: ${backup.id} of ${sourceRef} is ${backup.phase}; only a Completed backup can be restored`,
            );
          }
          ctx.output('backupId', backup.id);
        }
        const existing = await api.getCluster(target, requestOptions).then(
          () => true,
          error => {
            if (error?.statusCode === 404) return false;
            throw stepError(error);
          },
        );
        if (existing) {
          throw new ConflictError(
            `EngineCluster ${targetRef} already exists; a restore creates a new cluster`,
          );
        }
        const from = describeRestoreSource(request, sourceRef);
        ctx.output('restoredFrom', from);
        ctx.logger.info(
          `Would restore ${from} into a new EngineCluster ${targetRef}`,
        );
        return;
      }

      // A retried task finds the checkpoint and does not restore twice.
      const created = await ctx.checkpoint({
        key: `basalt.backup.restore.${targetRef}`,
        fn: async () => {
          try {
            const cluster = await api.restoreCluster(
              source,
              request,
              requestOptions,
            );
            return {
              uid: cluster.metadata.uid,
              from: describeRestoreSource(
                cluster.spec.restore ?? request,
                sourceRef,
              ),
              ...(cluster.spec.restore &&
                'backup' in cluster.spec.restore && {
                  backupId: cluster.spec.restore.backup,
                }),
            };
          } catch (error) {
            throw stepError(error);
          }
        },
      });
      ctx.output('uid', created.uid);
      ctx.output('restoredFrom', created.from);
      if (created.backupId) ctx.output('backupId', created.backupId);
      ctx.logger.info(
        `Created EngineCluster ${targetRef} to restore ${created.from}`,
      );

      if (ctx.input.waitForReady === false) return;
      let shown: string | undefined;
      const ready = await waitForReady(api, target, {
        ...requestOptions,
        timeoutMs: (ctx.input.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS) * 1000,
        signal: ctx.signal,
        awaiting: cluster => {
          const pending = restorePending(cluster);
          if (pending && pending !== shown) {
            ctx.logger.info(`EngineCluster ${targetRef}: ${pending}`);
          }
          shown = pending;
          return pending;
        },
      }).catch(error => Promise.reject(stepError(error)));
      ctx.logger.info(
        `EngineCluster ${targetRef} is restored from ${created.from} and ready`,
      );
      const { endpoints, credentials } = ready.status!;
      if (endpoints.readWrite) {
        ctx.output('readWriteEndpoint', endpoints.readWrite);
      }
      if (endpoints.readOnly)
        ctx.output('readOnlyEndpoint', endpoints.readOnly);
      if (credentials) ctx.output('credentials', credentials.location);
    },
  });
}
