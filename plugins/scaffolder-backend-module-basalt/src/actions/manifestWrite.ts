import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { promises as fs } from 'fs';
import { dirname } from 'path';
import { stringify } from 'yaml';
import { examples } from './manifestWrite.examples';
import { buildManifest, manifestFieldInputs } from './manifestFields';

const HEADER =
  '# Database as code: the declared state of this Basalt cluster.\n' +
  '# Change it here and apply it; Basalt keeps the cluster at this state.\n';

/**
 * Creates the `basalt:manifest:write` action: renders a validated
 * `EngineCluster` manifest, the schema's defaults made explicit, into the
 * workspace, so a later `publish:*` step commits it to the service's
 * repository. The engine's own defaults (its version) stay out unless given:
 * the cluster gets them when the manifest is applied.
 *
 * @public
 */
export function createManifestWriteAction() {
  return createTemplateAction({
    id: 'basalt:manifest:write',
    description:
      'Renders an EngineCluster manifest into the workspace (database as code), validated and with the schema defaults written out; the engine version only when given',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        ...manifestFieldInputs,
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
        yaml: z =>
          z.string({
            description:
              "The file's content, for a template's output to show the manifest to commit",
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
      const yaml = HEADER + stringify(manifest);
      await fs.writeFile(target, yaml, 'utf8');
      ctx.logger.info(
        `Wrote EngineCluster ${manifest.metadata.namespace}/${manifest.metadata.name} to ${path}`,
      );

      ctx.output('path', path);
      ctx.output(
        'clusterRef',
        `${manifest.metadata.namespace}/${manifest.metadata.name}`,
      );
      ctx.output('manifest', manifest);
      ctx.output('yaml', yaml);
    },
  });
}
