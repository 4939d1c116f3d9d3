import { ConflictError, InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { ClusterResource } from '@basalt/plugin-basalt-common';
import { BasaltCaller } from '../basalt/BasaltCaller';
import { done, poll, waiting } from '../basalt/poll';
import { stepError } from '../basalt/stepError';
import {
  SwitchoverBaseline,
  switchoverProgress,
} from '../basalt/switchoverProgress';
import { examples } from './clusterSwitchover.examples';
import { timeoutSecondsInput } from './waitInputs';

const DEFAULT_TIMEOUT_SECONDS = 60;
// A switchover takes about a second; poll often enough to see it promptly.
const POLL_MS = 250;
const EVENTS_LIMIT = 20;

const replicasOf = (cluster: ClusterResource) =>
  (cluster.status?.instances ?? [])
    .filter(i => i.role === 'replica')
    .map(i => i.name);

const primaryOf = (cluster: ClusterResource) =>
  cluster.status?.instances.find(i => i.role === 'primary')?.name;

/**
 * What the API would refuse, checked here for a dry run, which must not
 * send the request. The same rules and wording as the API's.
 */
function checkSwitchover(cluster: ClusterResource, target?: string) {
  const ref = `${cluster.metadata.namespace}/${cluster.metadata.name}`;
  if (cluster.spec.replicas < 2) {
    throw new ConflictError(
      `EngineCluster ${ref} has one instance (spec.replicas: 1); a switchover needs a replica to promote`,
    );
  }
  const replicas = replicasOf(cluster);
  if (target !== undefined && !replicas.includes(target)) {
    throw new InputError(
      `target: must be one of the replicas of ${ref} (${
        replicas.join(', ') || 'none right now'
      }), got ${JSON.stringify(target)}`,
    );
  }
}

/**
 * Creates the `basalt:cluster:switchover` action: moves a cluster's primary
 * role to a replica (a named one, or the most advanced) without losing a
 * committed write, as the requesting user, and by default waits until the
 * new primary serves and the cluster is Ready again.
 *
 * @public
 */
export function createClusterSwitchoverAction(options: {
  basalt: BasaltCaller;
}) {
  return createTemplateAction({
    id: 'basalt:cluster:switchover',
    description:
      'Moves the primary of an EngineCluster to one of its replicas (planned switchover, no committed write lost), as the requesting user, and waits until the cluster is Ready again',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        namespace: z => z.string({ description: 'Namespace of the cluster' }),
        name: z => z.string({ description: 'Name of the cluster' }),
        target: z =>
          z
            .string({
              description:
                'Instance name of the replica to promote, e.g. payments-db-1 (default: the most advanced replica)',
            })
            .min(1)
            .optional(),
        waitForCompletion: z =>
          z
            .boolean({
              description:
                'Wait until the new primary serves and the cluster is Ready again (default true)',
            })
            .optional(),
        timeoutSeconds: timeoutSecondsInput(DEFAULT_TIMEOUT_SECONDS),
      },
      output: {
        clusterRef: z =>
          z.string({ description: 'The cluster as <namespace>/<name>' }),
        previousPrimary: z =>
          z
            .string({ description: 'The instance that was primary before' })
            .optional(),
        primary: z =>
          z
            .string({ description: 'The instance that is primary now' })
            .optional(),
        durationMs: z =>
          z
            .number({
              description:
                'How long writes paused: from taking the read-write endpoint off the old primary to moving it to the new one, in ms',
            })
            .optional(),
      },
    },
    async handler(ctx) {
      const { target } = ctx.input;
      const ref = { namespace: ctx.input.namespace, name: ctx.input.name };
      const clusterRef = `${ref.namespace}/${ref.name}`;
      ctx.output('clusterRef', clusterRef);
      const request = await options.basalt.as(
        await ctx.getInitiatorCredentials(),
      );
      const { api } = options.basalt;
      const toWhom = target ?? 'the most advanced replica';

      if (ctx.isDryRun) {
        // Reading is all a dry run does; the request itself would act.
        const cluster = await api
          .getCluster(ref, request)
          .catch(error => Promise.reject(stepError(error)));
        checkSwitchover(cluster, target);
        const previous = primaryOf(cluster);
        if (previous) ctx.output('previousPrimary', previous);
        if (target) ctx.output('primary', target);
        ctx.logger.info(
          `Would switch EngineCluster ${clusterRef} over from ${
            previous ?? 'its primary'
          } to ${toWhom}`,
        );
        return;
      }

      // A retried task finds the checkpoint and does not switch over again;
      // what the cluster looked like before the request is kept with it, to
      // recognise the switchover that followed.
      const baseline = await ctx.checkpoint<SwitchoverBaseline>({
        key: `basalt.cluster.switchover.${clusterRef}`,
        fn: async () => {
          try {
            const before = await api.getCluster(ref, request);
            await api.switchoverCluster(ref, target, request);
            const previousPrimary = primaryOf(before);
            const previousRecordAt = before.status?.lastFailover?.timestamp;
            return {
              ...(previousPrimary && { previousPrimary }),
              ...(previousRecordAt && { previousRecordAt }),
            };
          } catch (error) {
            throw stepError(error);
          }
        },
      });
      if (baseline.previousPrimary) {
        ctx.output('previousPrimary', baseline.previousPrimary);
      }
      ctx.logger.info(
        `Requested a switchover of EngineCluster ${clusterRef} from ${
          baseline.previousPrimary ?? 'its primary'
        } to ${toWhom}`,
      );
      if (ctx.input.waitForCompletion === false) return;

      const timeoutSeconds =
        ctx.input.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
      const record = await poll(
        async () => {
          const [cluster, events] = await Promise.all([
            api.getCluster(ref, request),
            api.listClusterEvents(ref, { limit: EVENTS_LIMIT }, request),
          ]).catch(error => Promise.reject(stepError(error)));
          const progress = switchoverProgress(cluster, events, baseline);
          if (progress.state === 'refused') {
            throw new ConflictError(
              `EngineCluster ${clusterRef} did not switch over: ${progress.message}`,
            );
          }
          return progress.state === 'done'
            ? done(progress.record)
            : waiting(progress.description);
        },
        {
          timeoutMs: timeoutSeconds * 1000,
          intervalMs: POLL_MS,
          signal: ctx.signal,
          timedOut: description =>
            new Error(
              `EngineCluster ${clusterRef} had not switched over to ${toWhom} within ${timeoutSeconds} s: ${description}`,
            ),
        },
      );
      ctx.logger.info(
        `Switched EngineCluster ${clusterRef} over from ${
          record.from ?? baseline.previousPrimary
        } to ${record.to}; writes paused for ${record.durationMs} ms`,
      );
      if (record.from) ctx.output('previousPrimary', record.from);
      ctx.output('primary', record.to);
      ctx.output('durationMs', record.durationMs);
    },
  });
}
