import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import {
  COMPONENT_ANNOTATION,
  ENGINES,
  ENGINE_CLUSTER_API_VERSION,
  ENGINE_CLUSTER_KIND,
  EngineCluster,
  OWNER_ANNOTATION,
  RESOURCE_CLASSES,
  TERMINATION_POLICIES,
  parseEngineCluster,
} from '@basalt/plugin-basalt-common';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { promises as fs } from 'fs';
import { dirname } from 'path';
import { stringify } from 'yaml';
import { examples } from './manifestWrite.examples';

const HEADER =
  '# Database as code: the declared state of this Basalt cluster.\n' +
  '# Change it here and apply it; Basalt keeps the cluster at this state.\n';

/**
 * Creates the `basalt:manifest:write` action: renders a validated
 * `EngineCluster` manifest, defaults made explicit, into the workspace, so a
 * later `publish:*` step commits it to the service's repository.
 *
 * @public
 */
export function createManifestWriteAction() {
  return createTemplateAction({
    id: 'basalt:manifest:write',
    description:
      'Renders an EngineCluster manifest into the workspace (database as code), validated and with every default written out',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        name: z =>
          z.string({
            description: 'Cluster name (metadata.name), a DNS label',
          }),
        namespace: z =>
          z
            .string({ description: 'Namespace (metadata.namespace)' })
            .optional(),
        engine: z =>
          z.enum(ENGINES, { description: 'Engine (spec.engine)' }).optional(),
        version: z =>
          z
            .string({
              description: 'Engine version; the engine default if absent',
            })
            .optional(),
        replicas: z =>
          z
            .number({
              description: '1 for standalone, more for primary + replicas',
            })
            .optional(),
        resourceClass: z =>
          z
            .enum(RESOURCE_CLASSES, {
              description: 'Size class (spec.resources.class)',
            })
            .optional(),
        storageSize: z =>
          z
            .string({
              description: 'Volume size (spec.storage.size), e.g. 20Gi',
            })
            .optional(),
        template: z =>
          z
            .string({ description: 'Engine template (spec.template)' })
            .optional(),
        profile: z =>
          z.string({ description: 'Region profile (spec.profile)' }).optional(),
        databases: z =>
          z
            .array(z.string(), {
              description: 'Databases to create (spec.databases)',
            })
            .optional(),
        terminationPolicy: z =>
          z
            .enum(TERMINATION_POLICIES, {
              description:
                'What deleting the cluster does (spec.terminationPolicy)',
            })
            .optional(),
        owner: z =>
          z
            .string({
              description: `Owning group's entity ref, kept as the ${OWNER_ANNOTATION} annotation`,
            })
            .optional(),
        component: z =>
          z
            .string({
              description: `Entity ref of the component the database serves, kept as the ${COMPONENT_ANNOTATION} annotation`,
            })
            .optional(),
        manifest: z =>
          z
            .record(z.unknown(), {
              description:
                'A whole manifest (or part of one); the fields above override it',
            })
            .optional(),
        path: z =>
          z
            .string({
              description:
                'Workspace-relative file to write; default databases/<name>.yaml',
            })
            .optional(),
      },
      output: {
        path: z =>
          z.string({
            description: 'Workspace-relative path of the written manifest',
          }),
        clusterRef: z =>
          z.string({ description: 'The cluster as <namespace>/<name>' }),
        manifest: z =>
          z.record(z.unknown(), {
            description: 'The manifest as written, defaults applied',
          }),
      },
    },
    async handler(ctx) {
      const manifest = buildManifest(ctx.input);
      const path = ctx.input.path ?? `databases/${manifest.metadata.name}.yaml`;
      // Refuses paths that climb out of the workspace.
      const target = resolveSafeChildPath(ctx.workspacePath, path);

      // Writing the workspace is idempotent, so a retried task needs no
      // checkpoint here; applying the manifest is a separate action.
      await fs.mkdir(dirname(target), { recursive: true });
      await fs.writeFile(target, HEADER + stringify(manifest), 'utf8');
      ctx.logger.info(
        `Wrote EngineCluster ${manifest.metadata.namespace}/${manifest.metadata.name} to ${path}`,
      );

      ctx.output('path', path);
      ctx.output(
        'clusterRef',
        `${manifest.metadata.namespace}/${manifest.metadata.name}`,
      );
      ctx.output('manifest', manifest);
    },
  });
}

type ManifestWriteInput = {
  name: string;
  namespace?: string;
  engine?: (typeof ENGINES)[number];
  version?: string;
  replicas?: number;
  resourceClass?: (typeof RESOURCE_CLASSES)[number];
  storageSize?: string;
  template?: string;
  profile?: string;
  databases?: string[];
  terminationPolicy?: (typeof TERMINATION_POLICIES)[number];
  owner?: string;
  component?: string;
  manifest?: Record<string, unknown>;
};

/** Merges the fields over the given manifest and validates the result. */
function buildManifest(input: ManifestWriteInput): EngineCluster {
  const base = (input.manifest ?? {}) as Record<string, any>;
  const defined = <T extends object>(fields: T) =>
    Object.fromEntries(
      Object.entries(fields).filter(([, v]) => v !== undefined),
    );

  return parseEngineCluster({
    apiVersion: ENGINE_CLUSTER_API_VERSION,
    kind: ENGINE_CLUSTER_KIND,
    ...base,
    metadata: {
      ...base.metadata,
      ...defined({ name: input.name, namespace: input.namespace }),
      annotations: {
        ...base.metadata?.annotations,
        ...defined({
          [OWNER_ANNOTATION]: input.owner,
          [COMPONENT_ANNOTATION]: input.component,
        }),
      },
    },
    spec: {
      ...base.spec,
      ...defined({
        engine: input.engine,
        version: input.version,
        replicas: input.replicas,
        template: input.template,
        profile: input.profile,
        databases: input.databases,
        terminationPolicy: input.terminationPolicy,
      }),
      ...(input.resourceClass && { resources: { class: input.resourceClass } }),
      ...(input.storageSize && {
        storage: { ...base.spec?.storage, size: input.storageSize },
      }),
    },
  });
}
