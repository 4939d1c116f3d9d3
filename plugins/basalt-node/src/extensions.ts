import { createExtensionPoint } from '@backstage/backend-plugin-api';
import { BasaltHealthCheck } from './health';

/**
 * Lets backend modules add checks to `GET /api/basalt/health`.
 *
 * @public
 */
export interface BasaltHealthChecksExtensionPoint {
  /** Adds checks; names must be unique across the backend. */
  addHealthChecks(...checks: BasaltHealthCheck[]): void;
}

/**
 * Extension point for {@link BasaltHealthChecksExtensionPoint}.
 *
 * @public
 */
export const basaltHealthChecksExtensionPoint =
  createExtensionPoint<BasaltHealthChecksExtensionPoint>({
    id: 'basalt.health-checks',
  });
