import { RootConfigService } from '@backstage/backend-plugin-api';
import { EntityLink, parseEntityRef } from '@backstage/catalog-model';

/**
 * TechDocs' annotation naming another entity whose docs an entity's docs
 * tab shows (`@backstage/plugin-techdocs` 1.18 reads it).
 */
export const TECHDOCS_ENTITY_ANNOTATION = 'backstage.io/techdocs-entity';

/** Where Basalt's documentation is, for every database Resource. */
export interface ClusterDocs {
  /** Annotations that make the Resource's docs tab show Basalt's docs. */
  annotations: Record<string, string>;
  /** Links to the runbooks, one per situation. */
  links: EntityLink[];
}

/**
 * The runbooks: sections of Basalt's operations page (docs/operations.md),
 * by their anchors as mkdocs writes them.
 */
export const RUNBOOKS: ReadonlyArray<{ anchor: string; title: string }> = [
  {
    anchor: 'when-a-cluster-is-not-ready',
    title: 'Runbook: the database is not Ready',
  },
  {
    anchor: 'high-availability-failover-switchover-lost-nodes',
    title: 'Runbook: failover, switchover, lost nodes',
  },
  {
    anchor: 'restoring-into-a-new-cluster',
    title: 'Runbook: restore from a backup',
  },
  { anchor: 'when-a-restore-fails', title: 'Runbook: a restore failed' },
  { anchor: 'volumes', title: 'Runbook: a volume is nearly full' },
  { anchor: 'day-2-operations', title: 'Day-2 operations' },
];

/** The entity whose TechDocs are Basalt's, unless configured otherwise. */
export const DEFAULT_TECHDOCS_ENTITY = 'component:default/basalt';

/**
 * A string setting that `false` turns off: the string, `undefined` when
 * off, `fallback` when absent.
 */
function readOptionalSetting(
  config: RootConfigService,
  key: string,
  fallback: () => string | undefined,
): string | undefined {
  if (!config.has(key)) return fallback();
  if (config.getOptional(key) === false) return undefined;
  return config.getString(key);
}

/**
 * Reads where Basalt's docs are from `catalog.providers.basalt`:
 * `techdocsEntity` (default `component:default/basalt`; `false` for none)
 * and `runbooksUrl` (default: that entity's operations page in the portal,
 * `<app.baseUrl>/docs/<namespace>/<kind>/<name>/operations/`; `false` for
 * none, and none when there is neither it nor `app.baseUrl`).
 */
export function readClusterDocs(config: RootConfigService): ClusterDocs {
  const section = 'catalog.providers.basalt';
  const techdocsEntity = readOptionalSetting(
    config,
    `${section}.techdocsEntity`,
    () => DEFAULT_TECHDOCS_ENTITY,
  );
  const runbooksUrl = readOptionalSetting(
    config,
    `${section}.runbooksUrl`,
    () => {
      const appBaseUrl = config.getOptionalString('app.baseUrl');
      if (!techdocsEntity || !appBaseUrl) return undefined;
      const { kind, namespace, name } = parseEntityRef(techdocsEntity);
      const docsPath = `${namespace}/${kind.toLocaleLowerCase(
        'en-US',
      )}/${name}`;
      return `${appBaseUrl.replace(/\/+$/, '')}/docs/${docsPath}/operations/`;
    },
  );
  return clusterDocs({ techdocsEntity, runbooksUrl });
}

/** {@link ClusterDocs} for the given docs entity and runbooks page. */
export function clusterDocs(options: {
  techdocsEntity?: string;
  runbooksUrl?: string;
}): ClusterDocs {
  const { techdocsEntity, runbooksUrl } = options;
  return {
    annotations: techdocsEntity
      ? { [TECHDOCS_ENTITY_ANNOTATION]: techdocsEntity }
      : {},
    links: runbooksUrl
      ? RUNBOOKS.map(({ anchor, title }) => ({
          url: `${runbooksUrl}#${anchor}`,
          title,
          icon: 'docs',
          type: 'runbook',
        }))
      : [],
  };
}
