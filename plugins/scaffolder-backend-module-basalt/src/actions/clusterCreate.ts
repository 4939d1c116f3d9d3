import { CatalogService } from '@backstage/plugin-catalog-node';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { BasaltCaller } from '../basalt/BasaltCaller';
import { stepError } from '../basalt/stepError';
import { waitForCatalog } from '../basalt/waitForCatalog';
import { waitForReady } from '../basalt/waitForReady';
import { examples } from './clusterCreate.examples';
import { buildManifest, manifestFieldInputs } from './manifestFields';
import { timeoutSecondsInput } from './waitInputs';

const DEFAULT_TIMEOUT_SECONDS = 300;
/** How long a created cluster's Resource may take to reach the catalog. */
const CATALOG_TIMEOUT_MS = 60_000;

/**
 * Creates the `basalt:cluster:create` action: applies an `EngineCluster`
 * manifest as the user who runs the template, optionally waits until the
 * cluster is Ready (and its Resource is in the catalog), and outputs how to
 * connect and where the credentials are (never the credentials themselves).
 *
 * @public
 */
export function createClusterCreateAction(options: {
  basalt: BasaltCaller;
  /**
   * The catalog, to wait for the cluster's Resource before the step ends;
   * without it the step does not wait.
   */
  catalog?: CatalogService;
}) {
  return createTemplateAction({
    id: 'basalt:cluster:create',
    description:
      'Creates or updates a cluster from an EngineCluster manifest, given whole or as fields, as the requesting user, and waits until it is Ready',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        ...manifestFieldInputs,
        waitForReady: z =>
          z
            .boolean({
              description: 'Wait until the cluster is Ready (default true)',
            })
            .optional(),
        waitForCatalog: z =>
          z
            .boolean({
              description:
                "Once Ready, wait (up to a minute) until the cluster's Resource is in the catalog, so a link to it in the template's output leads to it (default true)",
            })
            .optional(),
        timeoutSeconds: timeoutSecondsInput(
          DEFAULT_TIMEOUT_SECONDS,
          'How long to wait for Ready',
        ),
      },
      output: {
        clusterRef: z =>
          z.string({ description: 'The cluster as <namespace>/<name>' }),
        entityRef: z =>
          z.string({
            description:
              "The cluster's Resource in the catalog, e.g. resource:default/payments-db",
          }),
        uid: z => z.string({ description: 'The cluster uid' }).optional(),
        generation: z =>
          z.number({ description: 'The applied generation' }).optional(),
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
                'Where the generated credentials are kept (a file or Secret reference)',
            })
            .optional(),
        connections: z =>
          z
            .array(
              z.object({
                account: z.string(),
                url: z.string(),
              }),
              {
                description:
                  "Each account's connection URL at the read-write endpoint, without the password (revealed on the cluster's Health card to those allowed)",
              },
            )
            .optional(),
        connectionUrls: z =>
          z
            .string({
              description:
                'The same as Markdown lines, one per account, for the template output',
            })
            .optional(),
      },
    },
    async handler(ctx) {
      // Refuse a bad manifest before touching anything, naming each field.
      const manifest = buildManifest(ctx.input);
      const ref = manifest.metadata;
      const clusterRef = `${ref.namespace}/${ref.name}`;
      ctx.output('clusterRef', clusterRef);
      ctx.output('entityRef', `resource:${ref.namespace}/${ref.name}`);
      const initiator = await ctx.getInitiatorCredentials();
      const request = await options.basalt.as(initiator);
      if (ctx.isDryRun) {
        // The API's own admission, with the requester's permission: what
        // the apply would refuse, the dry run refuses too.
        const plan = await options.basalt.api
          .planCluster(manifest, request)
          .catch(error => Promise.reject(stepError(error)));
        ctx.logger.info(
          `Would ${
            plan.created ? 'create' : 'update'
          } EngineCluster ${clusterRef}`,
        );
        return;
      }

      // A retried task finds the checkpoint and does not apply twice.
      const applied = await ctx.checkpoint({
        key: `basalt.cluster.apply.${clusterRef}`,
        fn: async () => {
          const cluster = await options.basalt.api.applyCluster(
            manifest,
            request,
          );
          return {
            uid: cluster.metadata.uid,
            generation: cluster.metadata.generation,
          };
        },
      });
      ctx.logger.info(
        `Applied EngineCluster ${clusterRef} (generation ${applied.generation})`,
      );
      ctx.output('uid', applied.uid);
      ctx.output('generation', applied.generation);

      if (ctx.input.waitForReady === false) return;
      const ready = await waitForReady(options.basalt.api, ref, {
        ...request,
        timeoutMs: (ctx.input.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS) * 1000,
        signal: ctx.signal,
      });
      ctx.logger.info(`EngineCluster ${clusterRef} is ready`);
      const { endpoints, credentials } = ready.status!;
      if (endpoints.readWrite)
        ctx.output('readWriteEndpoint', endpoints.readWrite);
      if (endpoints.readOnly)
        ctx.output('readOnlyEndpoint', endpoints.readOnly);
      if (credentials) ctx.output('credentials', credentials.location);
      const { accounts } = await options.basalt.api.getConnections(
        ref,
        request,
      );
      // Built here rather than mapped from the response: the scaffolder
      // copies outputs only from plain arrays of its own realm.
      const connections: Array<{ account: string; url: string }> = [];
      for (const { account, readWrite } of accounts) {
        if (readWrite) connections.push({ account, url: readWrite.url });
      }
      ctx.output('connections', connections);
      ctx.output(
        'connectionUrls',
        connections.map(c => `- ${c.account}: \`${c.url}\``).join('\n') ||
          '- no account in the manifest (spec.accounts)',
      );

      if (!options.catalog || ctx.input.waitForCatalog === false) return;
      const entityRef = `resource:${ref.namespace}/${ref.name}`;
      const inCatalog = await waitForCatalog(options.catalog, entityRef, {
        credentials: initiator,
        timeoutMs: CATALOG_TIMEOUT_MS,
        signal: ctx.signal,
      });
      if (inCatalog) {
        ctx.logger.info(`${entityRef} is in the catalog`);
      } else {
        ctx.logger.warn(
          `${entityRef} is not in the catalog after ${
            CATALOG_TIMEOUT_MS / 1000
          } s; is Basalt's catalog module installed?`,
        );
      }
    },
  });
}
