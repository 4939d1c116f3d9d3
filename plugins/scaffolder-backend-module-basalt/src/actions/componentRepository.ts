import { Config } from '@backstage/config';
import {
  ANNOTATION_SOURCE_LOCATION,
  parseLocationRef,
} from '@backstage/catalog-model';
import { ScmIntegrations } from '@backstage/integration';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { examples } from './componentRepository.examples';

/** Where a pull request with the manifest can go, or why none can. */
export type PullRequestTarget =
  | { pullRequest: true; repoUrl: string; reason: string }
  | { pullRequest: false; reason: string };

/**
 * Where the component's source lives, as `publish:github:pull-request`
 * takes it, when the portal can open a pull request there: the component's
 * `backstage.io/source-location` is on a GitHub host with an integration
 * that has credentials.
 */
export function pullRequestTarget(
  sourceLocation: string | undefined,
  integrations: ScmIntegrations,
): PullRequestTarget {
  if (!sourceLocation) {
    return {
      pullRequest: false,
      reason: `the component has no ${ANNOTATION_SOURCE_LOCATION} annotation`,
    };
  }
  const { type, target } = parseLocationRef(sourceLocation);
  if (type !== 'url') {
    return {
      pullRequest: false,
      reason: `the component's source is a ${type} location, not a repository`,
    };
  }
  const url = new URL(target);
  const github = integrations.github.byHost(url.host);
  if (!github?.config.token && !github?.config.apps?.length) {
    return {
      pullRequest: false,
      reason: `the portal has no GitHub integration with credentials for ${url.host}`,
    };
  }
  const [owner, repo] = url.pathname.split('/').filter(Boolean);
  if (!owner || !repo) {
    return {
      pullRequest: false,
      reason: `${target} names no repository`,
    };
  }
  return {
    pullRequest: true,
    repoUrl: `${url.host}?owner=${owner}&repo=${repo.replace(/\.git$/, '')}`,
    reason: `the component's repository is ${url.host}/${owner}/${repo}`,
  };
}

/**
 * Creates the `basalt:component:repository` action: finds out whether the
 * manifest can be proposed to the component's repository as a pull
 * request, so a template's `publish:github:pull-request` step runs only
 * where it can (`if: steps.<id>.output.pullRequest`), and says why not
 * otherwise.
 *
 * @public
 */
export function createComponentRepositoryAction(options: {
  catalog: CatalogService;
  config: Config;
}) {
  const integrations = ScmIntegrations.fromConfig(options.config);
  return createTemplateAction({
    id: 'basalt:component:repository',
    description:
      "Finds the component's repository and whether the portal can open a pull request there (a GitHub integration with credentials)",
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        component: z =>
          z.string({
            description:
              'The component the database serves, an entity ref such as component:default/payments-service',
          }),
      },
      output: {
        pullRequest: z =>
          z.boolean({
            description: 'Whether a pull request can be opened',
          }),
        repoUrl: z =>
          z
            .string({
              description:
                'The repository as publish:github:pull-request takes it, when one can',
            })
            .optional(),
        reason: z =>
          z.string({
            description: 'Why a pull request can or cannot be opened',
          }),
      },
    },
    async handler(ctx) {
      const entity = await options.catalog.getEntityByRef(ctx.input.component, {
        credentials: await ctx.getInitiatorCredentials(),
      });
      // Only a proposal hangs on it, made after the cluster exists: a
      // component the catalog does not know means no pull request, not a
      // failed template.
      const target: PullRequestTarget = entity
        ? pullRequestTarget(
            entity.metadata.annotations?.[ANNOTATION_SOURCE_LOCATION],
            integrations,
          )
        : {
            pullRequest: false,
            reason: `${ctx.input.component} is not in the catalog`,
          };
      ctx.logger.info(
        target.pullRequest
          ? `A pull request can be opened: ${target.reason}`
          : `No pull request: ${target.reason}`,
      );
      ctx.output('pullRequest', target.pullRequest);
      if (target.pullRequest) ctx.output('repoUrl', target.repoUrl);
      ctx.output('reason', target.reason);
    },
  });
}
