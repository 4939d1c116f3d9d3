import { createApiRef } from '@backstage/frontend-plugin-api';
import { BasaltApi } from '@basalt/plugin-basalt-common';

/**
 * The Basalt REST API as a Backstage utility API.
 *
 * @public
 */
export const basaltApiRef = createApiRef<BasaltApi>({
  id: 'plugin.basalt.api',
});
