import { createRouteRef } from '@backstage/frontend-plugin-api';

/** The Basalt page, `/basalt` by default. */
export const rootRouteRef = createRouteRef();
