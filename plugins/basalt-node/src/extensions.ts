import { createExtensionPoint } from '@backstage/backend-plugin-api';
import { EngineDriver } from './engine';
import { BasaltHealthCheck } from './health';
import { Runtime } from './runtime';

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

/**
 * Lets backend modules add engine drivers (one per engine) and runtimes (one
 * per name) to Basalt, next to its built-in local runtime. Every engine
 * comes from a module, PostgreSQL's (`basaltModuleEnginePostgresql`)
 * included; a manifest naming an engine no module installed is refused at
 * admission.
 *
 * @public
 */
export interface BasaltEnginesExtensionPoint {
  addEngineDrivers(...drivers: EngineDriver[]): void;
  addRuntimes(...runtimes: Runtime[]): void;
}

/**
 * Extension point for {@link BasaltEnginesExtensionPoint}.
 *
 * @public
 */
export const basaltEnginesExtensionPoint =
  createExtensionPoint<BasaltEnginesExtensionPoint>({
    id: 'basalt.engines',
  });
