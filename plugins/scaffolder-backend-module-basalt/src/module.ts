import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { createBackupCreateAction } from './actions/backupCreate';
import { createBackupRestoreAction } from './actions/backupRestore';
import { createClusterCreateAction } from './actions/clusterCreate';
import { createClusterDestroyAction } from './actions/clusterDestroy';
import { createClusterSwitchoverAction } from './actions/clusterSwitchover';
import { createComponentRepositoryAction } from './actions/componentRepository';
import { createManifestWriteAction } from './actions/manifestWrite';
import { BasaltCaller } from './basalt/BasaltCaller';

/**
 * Registers Basalt's template actions (`basalt:*`) with the scaffolder.
 *
 * @public
 */
export const scaffolderModuleBasalt = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'basalt',
  register({ registerInit }) {
    registerInit({
      deps: {
        scaffolderActions: scaffolderActionsExtensionPoint,
        discovery: coreServices.discovery,
        auth: coreServices.auth,
        catalog: catalogServiceRef,
        config: coreServices.rootConfig,
      },
      async init({ scaffolderActions, discovery, auth, catalog, config }) {
        const basalt = new BasaltCaller({ discovery, auth });
        scaffolderActions.addActions(
          createManifestWriteAction(),
          createComponentRepositoryAction({ catalog, config }),
          createClusterCreateAction({ basalt, catalog }),
          createClusterDestroyAction({ basalt }),
          createClusterSwitchoverAction({ basalt }),
          createBackupCreateAction({ basalt }),
          createBackupRestoreAction({ basalt }),
        );
      },
    });
  },
});
