/**
 * Basalt's template actions for the Backstage scaffolder.
 *
 * @packageDocumentation
 */

export { scaffolderModuleBasalt as default } from './module';
export { createManifestWriteAction } from './actions/manifestWrite';
