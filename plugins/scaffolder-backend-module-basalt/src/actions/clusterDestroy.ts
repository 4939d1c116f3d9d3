import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { ClusterResource } from '@basalt/plugin-basalt-common';
import { BasaltCaller } from '../basalt/BasaltCaller';
import { deletionProgress } from '../basalt/deletionProgress';
import { poll, waiting } from '../basalt/poll';
import { stepError } from '../basalt/stepError';
import { examples } from './clusterDestroy.examples';
import { timeoutSecondsInput } from './waitInputs';

const DEFAULT_TIMEOUT_SECONDS = 300;
const POLL_MS = 500;

/**
 * Creates the `basalt:cluster:destroy` action: deletes a cluster as the
 * requesting user, as its termination policy allows, and reports what
 * happened. A policy that refuses (DoNotTerminate, or BackupThenDelete
 * without the backup it promises) fails the step and deletes nothing.
 *
 * @public
 */
export function createClusterDestroyAction(options: { basalt: BasaltCaller }) {
  return createTemplateAction({
    id: 'basalt:cluster:destroy',
    description:
      'Deletes an EngineCluster as its terminationPolicy allows, as the requesting user, and waits until it is gone',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        namespace: z => z.string({ description: 'Namespace of the cluster' }),
        name: z => z.string({ description: 'Name of the cluster' }),
        waitUntilGone: z =>
          z
            .boolean({
              description: 'Wait until the cluster is gone (default true)',
            })
            .optional(),
        timeoutSeconds: timeoutSecondsInput(DEFAULT_TIMEOUT_SECONDS),
      },
      output: {
        clusterRef: z =>
          z.string({ description: 'The cluster as <namespace>/<name>' }),
        result: z =>
          z.enum(['deleted', 'deletion-requested', 'already-gone'], {
            description: 'What happened',
          }),
        terminationPolicy: z =>
          z
            .string({ description: 'The policy the deletion followed' })
            .optional(),
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

      const existing = await api.getCluster(ref, request).catch(error => {
        if (error?.statusCode === 404) return undefined;
        throw error;
      });
      if (!existing) {
        ctx.logger.info(
          `EngineCluster ${clusterRef} does not exist; nothing to delete`,
        );
        ctx.output('result', 'already-gone');
        return;
      }
      const policy = existing.spec.terminationPolicy;
      ctx.output('terminationPolicy', policy);
      if (ctx.isDryRun) {
        ctx.logger.info(
          `Would delete EngineCluster ${clusterRef} (terminationPolicy ${policy})`,
        );
        ctx.output('result', 'deletion-requested');
        return;
      }

      await ctx.checkpoint({
        key: `basalt.cluster.delete.${clusterRef}.${existing.metadata.uid}`,
        fn: async () => {
          try {
            await api.deleteCluster(ref, request);
          } catch (error) {
            // The API's 409 says why the policy refuses; the step fails with it.
            throw stepError(error);
          }
        },
      });
      ctx.logger.info(
        `Requested deletion of EngineCluster ${clusterRef} (terminationPolicy ${policy})`,
      );
      if (ctx.input.waitUntilGone === false) {
        ctx.output('result', 'deletion-requested');
        return;
      }
      const timeoutSeconds =
        ctx.input.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
      await poll(
        async () => {
          let cluster: ClusterResource | undefined;
          try {
            cluster = await api.getCluster(ref, request);
          } catch (error) {
            // A failed read is no answer, unless it says the cluster is gone.
            if ((error as { statusCode?: number })?.statusCode !== 404) {
              return waiting(`the last read failed: ${error}`);
            }
          }
          return deletionProgress(cluster);
        },
        {
          timeoutMs: timeoutSeconds * 1000,
          intervalMs: POLL_MS,
          signal: ctx.signal,
          timedOut: description =>
            new Error(
              `EngineCluster ${clusterRef} was still there after ${timeoutSeconds} s: ${description}`,
            ),
        },
      );
      ctx.logger.info(`Deleted EngineCluster ${clusterRef}`);
      ctx.output('result', 'deleted');
    },
  });
}
