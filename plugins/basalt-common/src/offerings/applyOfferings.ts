import { InputError } from '@backstage/errors';
import { DEFAULT_BACKUP_POLICY, EngineCluster } from '../manifest';
import { Offerings } from './types';

/**
 * A manifest that breaks its region profile, or names a template or profile
 * that does not exist. The message names the rule. Answered as HTTP 400.
 *
 * @public
 */
export class PolicyViolationError extends InputError {}

/**
 * Applies the manifest's engine template and region profile: template
 * parameters under the manifest's own, the profile's backup policy filled
 * in, and every profile rule checked.
 *
 * @throws {@link PolicyViolationError} naming the rule that is broken.
 * @public
 */
export function applyOfferings(
  cluster: EngineCluster,
  offerings: Offerings,
): EngineCluster {
  const { spec } = cluster;
  let next = spec;
  if (spec.template) {
    const template = offerings.engineTemplates.find(
      t => t.name === spec.template,
    );
    if (!template) {
      throw new PolicyViolationError(
        `spec.template: no engine template '${
          spec.template
        }'; available: ${names(offerings.engineTemplates)}`,
      );
    }
    if (template.engine !== spec.engine) {
      throw new PolicyViolationError(
        `spec.template: engine template '${template.name}' is for ${template.engine}, not ${spec.engine}`,
      );
    }
    next = {
      ...next,
      parameters: { ...template.parameters, ...spec.parameters },
    };
  }
  if (spec.profile) {
    const profile = offerings.profiles.find(p => p.name === spec.profile);
    if (!profile) {
      throw new PolicyViolationError(
        `spec.profile: no region profile '${spec.profile}'; available: ${names(
          offerings.profiles,
        )}`,
      );
    }
    const versions = profile.engines[spec.engine];
    if (!versions) {
      throw new PolicyViolationError(
        `spec.engine: profile ${profile.name} allows ${
          Object.keys(profile.engines).join(', ') || 'no engines'
        }, not ${spec.engine}`,
      );
    }
    if (!versions.includes(spec.version)) {
      throw new PolicyViolationError(
        `spec.version: profile ${profile.name} allows ${
          spec.engine
        } ${versions.join(', ')}, not ${spec.version}`,
      );
    }
    if (spec.replicas > profile.maxReplicas) {
      throw new PolicyViolationError(
        `spec.replicas: profile ${profile.name} allows at most ${profile.maxReplicas} replicas, not ${spec.replicas}`,
      );
    }
    next = {
      ...next,
      backup: enforcedBackup(next, profile.name, profile.backup),
    };
  }
  return { ...cluster, spec: next };
}

function enforcedBackup(
  spec: EngineCluster['spec'],
  profile: string,
  policy: { schedule?: string; retention?: string } | undefined,
): EngineCluster['spec']['backup'] {
  if (!policy) return spec.backup;
  const backup = { ...DEFAULT_BACKUP_POLICY, ...spec.backup };
  for (const key of ['schedule', 'retention'] as const) {
    const required = policy[key];
    if (!required) continue;
    if (backup[key] && backup[key] !== required) {
      throw new PolicyViolationError(
        `spec.backup.${key}: profile ${profile} requires ${required}, not ${backup[key]}`,
      );
    }
    backup[key] = required;
  }
  return backup;
}

function names(items: { name: string }[]): string {
  return items.map(i => i.name).join(', ') || 'none';
}
