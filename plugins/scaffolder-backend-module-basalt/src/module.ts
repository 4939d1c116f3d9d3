import { createBackendModule } from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { createManifestWriteAction } from './actions/manifestWrite';

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
      deps: { scaffolderActions: scaffolderActionsExtensionPoint },
      async init({ scaffolderActions }) {
        scaffolderActions.addActions(createManifestWriteAction());
      },
    });
  },
});
