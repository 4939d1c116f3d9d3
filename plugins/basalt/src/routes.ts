import {
  createExternalRouteRef,
  createRouteRef,
} from '@backstage/frontend-plugin-api';

/** The Basalt page, `/basalt` by default. */
export const rootRouteRef = createRouteRef();

/**
 * A software template's page in the scaffolder, where the "Add a database"
 * card and the golden templates widget send people. Bound to the
 * scaffolder's own route by default, so the links follow wherever the app
 * mounts the scaffolder.
 */
export const selectedTemplateRouteRef = createExternalRouteRef({
  params: ['namespace', 'templateName'],
  defaultTarget: 'scaffolder.selectedTemplate',
});

/**
 * A cluster's manifest to commit, with Copy and Download:
 * `/basalt/clusters/:namespace/:name/manifest` by default. The golden
 * templates' output links here, as links cannot carry the file itself.
 */
export const clusterManifestRouteRef = createRouteRef({
  params: ['namespace', 'name'],
});
