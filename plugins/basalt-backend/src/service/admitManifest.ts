import {
  applyOfferings,
  EngineCluster,
  ManifestValidationError,
  Offerings,
  parseEngineCluster,
} from '@basalt/plugin-basalt-common';
import { EngineDriver } from '@basalt/plugin-basalt-node';
import { resolveResources } from '../offerings/resolveResources';

/**
 * Admission: everything a manifest alone decides, checked before anything
 * is stored — the schema, the engine template and region profile, the
 * engine's reserved names and parameter definitions, the engine's own
 * rules between fields, and a resource class that is offered here.
 * Returns the manifest as it will run.
 *
 * @throws `InputError` (HTTP 400) naming each field that is refused.
 */
export function admitManifest(
  body: unknown,
  offerings: Offerings,
  drivers: ReadonlyMap<string, EngineDriver>,
): EngineCluster {
  const manifest = applyOfferings(parseEngineCluster(body), offerings);
  // applyOfferings refused engines without a driver.
  const issues = drivers.get(manifest.spec.engine)!.checkSpec(manifest.spec);
  if (issues.length > 0) throw new ManifestValidationError(issues);
  resolveResources(manifest.spec.resources, offerings.resourceClasses);
  return manifest;
}
