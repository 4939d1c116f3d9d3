/**
 * Basalt's template actions for the Backstage scaffolder.
 *
 * @packageDocumentation
 */

export { scaffolderModuleBasalt as default } from './module';
export { createManifestWriteAction } from './actions/manifestWrite';
export { createClusterCreateAction } from './actions/clusterCreate';
export { createClusterDestroyAction } from './actions/clusterDestroy';
export { createClusterSwitchoverAction } from './actions/clusterSwitchover';
export { createBackupCreateAction } from './actions/backupCreate';
export { createBackupRestoreAction } from './actions/backupRestore';
export { BasaltCaller } from './basalt/BasaltCaller';
