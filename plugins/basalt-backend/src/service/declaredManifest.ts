import {
  applyOfferings,
  EngineCluster,
  Offerings,
  parseEngineCluster,
} from '@basalt/plugin-basalt-common';
import { isDeepStrictEqual } from 'node:util';
import { stringify } from 'yaml';
import { canonicalJson } from '../store/rows';

/** The same header `basalt:manifest:write` writes, so both files read alike. */
const HEADER =
  '# Database as code: the declared state of this Basalt cluster.\n' +
  '# Change it here and apply it; Basalt keeps the cluster at this state.\n';

/**
 * The manifest to commit for a cluster, from the one stored at its last
 * apply ("as it will run": the engine template's parameters and the region
 * profile's backup policy filled in). What the template and profile supply
 * is left out again, as `basalt:manifest:write` leaves it out, so a later
 * change of the template still reaches the cluster; the engine version
 * stays, so applying the file never upgrades the engine by surprise.
 *
 * The result is only used when applying it again gives exactly the stored
 * spec; otherwise (offerings changed since, or a value the reduction cannot
 * tell apart) the stored manifest is returned whole, which applies to the
 * same spec by construction. Either way it holds no credentials: a
 * manifest names accounts, never their passwords.
 */
export function declaredManifest(
  applied: EngineCluster,
  offerings: Offerings,
): EngineCluster {
  try {
    const supplied = applyOfferings(
      parseEngineCluster({
        ...applied,
        spec: { ...applied.spec, parameters: {}, backup: undefined },
      }),
      offerings,
    ).spec;
    const { backup, parameters, ...rest } = applied.spec;
    const candidate = parseEngineCluster({
      ...applied,
      spec: {
        ...rest,
        parameters: Object.fromEntries(
          Object.entries(parameters).filter(
            ([key, value]) => supplied.parameters[key] !== value,
          ),
        ),
        ...(!isDeepStrictEqual(backup, supplied.backup) && { backup }),
      },
    });
    const again = applyOfferings(candidate, offerings).spec;
    if (canonicalJson(again) === canonicalJson(applied.spec)) {
      return {
        ...candidate,
        spec: { ...candidate.spec, version: applied.spec.version },
      };
    }
  } catch {
    // The offerings no longer admit it (a template or profile removed):
    // the stored manifest is still what runs.
  }
  return applied;
}

/** The file's content: the header, then the manifest as YAML. */
export function manifestYaml(manifest: EngineCluster): string {
  const { apiVersion, kind, metadata, spec } = manifest;
  return HEADER + stringify({ apiVersion, kind, metadata, spec });
}
