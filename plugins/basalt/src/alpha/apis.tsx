import {
  ApiBlueprint,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import { BasaltClient } from '@basalt/plugin-basalt-common';
import { basaltApiRef } from '../api';

/** Provides {@link basaltApiRef}, calling the backend with the user's token. */
export const basaltApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: basaltApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new BasaltClient({ discoveryApi, fetchApi }),
    }),
});
