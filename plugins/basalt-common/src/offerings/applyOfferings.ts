import { InputError } from '@backstage/errors';
import {
  DEFAULT_BACKUP_POLICY,
  EngineCluster,
  ManifestIssue,
  ManifestValidationError,
  ParsedEngineCluster,
} from '../manifest';
import {
  checkCapabilities,
  withEngineBackupDefaults,
} from './checkCapabilities';
import { admitParameters, EngineOffering } from '../parameters';
import { EngineTemplate, Offerings, RegionProfile } from './types';

/**
 * A manifest that breaks its region profile, or names a template or profile
 * that does not exist. The message names the rule. Answered as HTTP 400.
 *
 * @public
 */
export class PolicyViolationError extends InputError {}

/**
 * Admits a manifest against what the platform offers, deciding everything
 * that the manifest alone decides, before anything is stored: the engine
 * and version are installed, the engine template and region profile exist
 * and their rules hold, account and database names are not the engine's
 * own, and every parameter is declared with a value in range. Returns the
 * manifest as it will run: the template's parameters under the manifest's
 * own, the profile's pinned parameters and backup policy filled in.
 *
 * @throws {@link PolicyViolationError} naming the rule that is broken, or
 *   {@link ManifestValidationError} naming each parameter that is refused.
 * @public
 */
export function applyOfferings(
  cluster: ParsedEngineCluster,
  offerings: Offerings,
): EngineCluster {
  const engine = engineOffering(cluster.spec, offerings);
  const spec = {
    ...cluster.spec,
    version: cluster.spec.version ?? engine.defaultVersion,
  };
  checkVersion(spec, engine);
  const template = templateOf(spec, offerings);
  const profile = profileOf(spec, offerings);
  checkReservedNames(spec, engine);
  const unable = [
    ...checkCapabilities(spec, engine),
    ...checkTls(engine, profile),
  ];
  if (unable.length > 0) throw new ManifestValidationError(unable);
  const admitted = admitParameters({
    engine,
    parameters: spec.parameters,
    template,
    profile,
  });
  if (!admitted.ok) throw new ManifestValidationError(admitted.issues);
  return {
    ...cluster,
    spec: {
      ...spec,
      parameters: admitted.parameters,
      backup: profile
        ? enforcedBackup(spec, engine, profile.name, profile.backup)
        : withEngineBackupDefaults(spec, engine),
    },
  };
}

/**
 * A profile that requires TLS, for an engine that serves none: refused
 * rather than run in plain text.
 */
function checkTls(
  engine: EngineOffering,
  profile: RegionProfile | undefined,
): ManifestIssue[] {
  if (engine.capabilities.tls || profile?.network?.tls !== 'required') {
    return [];
  }
  return [
    {
      path: 'spec.profile',
      message: `profile ${profile.name} requires TLS, which ${engine.engine} clusters do not serve in Basalt; choose a profile without network.tls: required`,
    },
  ];
}

/**
 * Engine ids people may reach for that name another engine's driver: MySQL
 * and MariaDB have parted ways, so a MariaDB driver is `mariadb` and the
 * `mysql` id stays for a driver of MySQL itself.
 */
const NEIGHBOUR_ENGINES: Record<string, string> = {
  mysql: 'mariadb',
  postgres: 'postgresql',
};

/** The installed engine the manifest names. */
function engineOffering(
  spec: ParsedEngineCluster['spec'],
  offerings: Offerings,
): EngineOffering {
  const engine = offerings.engines.find(e => e.engine === spec.engine);
  if (!engine) {
    const installed = offerings.engines.map(e => e.engine);
    const neighbour = NEIGHBOUR_ENGINES[spec.engine];
    const hint =
      neighbour && installed.includes(neighbour)
        ? ` (did you mean ${neighbour}?)`
        : '';
    throw new PolicyViolationError(
      `spec.engine: no driver for ${spec.engine} is installed; installed: ${
        installed.join(', ') || 'none'
      }${hint}`,
    );
  }
  return engine;
}

function checkVersion(spec: EngineCluster['spec'], engine: EngineOffering) {
  if (!engine.versions.includes(spec.version)) {
    throw new PolicyViolationError(
      `spec.version: ${spec.engine} ${
        spec.version
      } is not supported; supported: ${engine.versions.join(', ')}`,
    );
  }
}

function templateOf(
  spec: EngineCluster['spec'],
  offerings: Offerings,
): EngineTemplate | undefined {
  if (!spec.template) return undefined;
  const template = offerings.engineTemplates.find(
    t => t.name === spec.template,
  );
  if (!template) {
    throw new PolicyViolationError(
      `spec.template: no engine template '${spec.template}'; available: ${names(
        offerings.engineTemplates,
      )}`,
    );
  }
  if (template.engine !== spec.engine) {
    throw new PolicyViolationError(
      `spec.template: engine template '${template.name}' is for ${template.engine}, not ${spec.engine}`,
    );
  }
  return template;
}

function profileOf(
  spec: EngineCluster['spec'],
  offerings: Offerings,
): RegionProfile | undefined {
  if (!spec.profile) return undefined;
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
  return profile;
}

/** Accounts and databases may not take the names the engine keeps. */
function checkReservedNames(
  spec: EngineCluster['spec'],
  engine: EngineOffering,
): void {
  const reserved = engine.reservedNames;
  const issues: ManifestIssue[] = [];
  spec.accounts.forEach((account, index) => {
    const prefix = reserved.accountPrefixes.find(p =>
      account.name.startsWith(p),
    );
    if (reserved.accounts.includes(account.name) || prefix) {
      issues.push({
        path: `spec.accounts.${index}.name`,
        message: `'${account.name}' is reserved by ${
          engine.engine
        } or Basalt (reserved: ${[
          ...reserved.accounts,
          ...reserved.accountPrefixes.map(p => `${p}*`),
        ].join(', ')})`,
      });
    }
  });
  spec.databases.forEach((database, index) => {
    if (reserved.databases.includes(database)) {
      issues.push({
        path: `spec.databases.${index}`,
        message: `'${database}' is reserved by ${
          engine.engine
        } (reserved: ${reserved.databases.join(', ')})`,
      });
    }
  });
  if (issues.length > 0) throw new ManifestValidationError(issues);
}

function enforcedBackup(
  spec: EngineCluster['spec'],
  engine: EngineOffering,
  profile: string,
  policy: { schedule?: string; retention?: string } | undefined,
): EngineCluster['spec']['backup'] {
  const withDefaults = withEngineBackupDefaults(spec, engine);
  if (!policy) return withDefaults;
  const backup = { ...DEFAULT_BACKUP_POLICY, ...withDefaults };
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
