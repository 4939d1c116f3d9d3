import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import { BasaltPermissionPolicy } from './BasaltPermissionPolicy';
import { readBasaltPolicyOptions } from './policyOptions';

/**
 * Installs {@link BasaltPermissionPolicy} as the permission backend's
 * policy, configured by `basalt.permissions`. Install it in place of the
 * allow-all policy module (a backend has one policy).
 *
 * @public
 */
export const permissionModuleBasaltPolicy = createBackendModule({
  pluginId: 'permission',
  moduleId: 'basalt-policy',
  register(reg) {
    reg.registerInit({
      deps: {
        policy: policyExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
      },
      async init({ policy, config, logger }) {
        const options = readBasaltPolicyOptions(config);
        logger.info(
          `Basalt's owner-scoped policy: administrators ${
            [...options.administrators].join(', ') || 'none'
          }; everyone holds ${[...options.everyone].join(', ') || 'nothing'}`,
        );
        policy.setPolicy(new BasaltPermissionPolicy(options));
      },
    });
  },
});
