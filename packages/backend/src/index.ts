/*
 * The Backstage backend of the Basalt portal: the standard Backstage plugins
 * plus Basalt's backend plugin and scaffolder module (at the end).
 */

import { createBackend } from '@backstage/backend-defaults';
import {
  basaltModuleEnginePostgresql,
  basaltModuleEngineRedis,
} from '@basalt/plugin-basalt-backend';
import { authModuleExampleUsers } from './modules/exampleUsers';

const backend = createBackend();

backend.add(import('@backstage/plugin-app-backend'));
backend.add(import('@backstage/plugin-proxy-backend'));

// scaffolder plugin
backend.add(import('@backstage/plugin-scaffolder-backend'));
backend.add(import('@backstage/plugin-scaffolder-backend-module-github'));
backend.add(
  import('@backstage/plugin-scaffolder-backend-module-notifications'),
);

// techdocs plugin
backend.add(import('@backstage/plugin-techdocs-backend'));

// auth plugin
backend.add(import('@backstage/plugin-auth-backend'));
// See https://backstage.io/docs/backend-system/building-backends/migrating#the-auth-plugin
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
// See https://backstage.io/docs/auth/guest/provider
// The example users of the example teams, to try who may do what
backend.add(authModuleExampleUsers);

// catalog plugin
backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(
  import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
);

// See https://backstage.io/docs/features/software-catalog/configuration#subscribing-to-catalog-errors
backend.add(import('@backstage/plugin-catalog-backend-module-logs'));

// permission plugin, with Basalt's owner-scoped policy: a team operates its
// own clusters, administrators (basalt.permissions) every cluster; other
// plugins' permissions are allowed as with the allow-all policy
backend.add(import('@backstage/plugin-permission-backend'));
backend.add(import('@basalt/plugin-permission-backend-module-basalt-policy'));

// search plugin
backend.add(import('@backstage/plugin-search-backend'));

// search engine
// See https://backstage.io/docs/features/search/search-engines
backend.add(import('@backstage/plugin-search-backend-module-pg'));

// search collators
backend.add(import('@backstage/plugin-search-backend-module-catalog'));
backend.add(import('@backstage/plugin-search-backend-module-techdocs'));

// user settings plugin
backend.add(import('@backstage/plugin-user-settings-backend'));

// notifications and signals plugins
backend.add(import('@backstage/plugin-notifications-backend'));
backend.add(import('@backstage/plugin-signals-backend'));

// mcp actions plugin
backend.add(import('@backstage/plugin-mcp-actions-backend'));

// Basalt: its backend plugin (REST API under /api/basalt), its engines
// (each a module), scaffolder actions, and its clusters in the catalog as
// Resources
backend.add(import('@basalt/plugin-basalt-backend'));
backend.add(basaltModuleEnginePostgresql);
backend.add(basaltModuleEngineRedis);
backend.add(import('@basalt/plugin-scaffolder-backend-module-basalt'));
backend.add(import('@basalt/plugin-catalog-backend-module-basalt'));

backend.start();
