import {
  DEFAULT_BACKUP_POLICY,
  EngineCluster,
  ManifestIssue,
} from '../manifest';
import type { EngineOffering } from '../parameters';

type Spec = EngineCluster['spec'];

/**
 * What a manifest asks of its engine that the engine's driver does not
 * declare it can do (see `EngineCapabilities`), one issue per field; none
 * when the engine can do it all.
 *
 * @public
 */
export function checkCapabilities(
  spec: Spec,
  engine: EngineOffering,
): ManifestIssue[] {
  return [
    ...checkDataModel(spec, engine),
    ...checkReplication(spec, engine),
    ...checkBackups(spec, engine),
    ...checkRestore(spec, engine),
  ];
}

function checkDataModel(spec: Spec, engine: EngineOffering): ManifestIssue[] {
  const { capabilities: can, engine: name } = engine;
  const issues: ManifestIssue[] = [];
  if (!can.databases && spec.databases.length > 0) {
    issues.push({
      path: 'spec.databases',
      message: `${name} has no named databases; leave spec.databases out`,
    });
  }
  spec.accounts.forEach((account, index) => {
    if (!can.databases && account.databases.length > 0) {
      issues.push({
        path: `spec.accounts.${index}.databases`,
        message: `${name} has no named databases: an account is granted on the whole ${can.kind}; leave it out`,
      });
    }
    if (!can.accountRoles.includes(account.role)) {
      issues.push({
        path: `spec.accounts.${index}.role`,
        message: `${name} accounts may be ${can.accountRoles.join(', ')}, not ${
          account.role
        }`,
      });
    }
  });
  return issues;
}

function checkReplication(spec: Spec, engine: EngineOffering): ManifestIssue[] {
  const { modes } = engine.capabilities.replication;
  if (modes.includes(spec.ha.replication)) return [];
  return [
    {
      path: 'spec.ha.replication',
      message: `${engine.engine} replicates ${modes.join(' or ')}, not ${
        spec.ha.replication
      }`,
    },
  ];
}

function checkBackups(spec: Spec, engine: EngineOffering): ManifestIssue[] {
  const { methods, pointInTime } = engine.capabilities.backups;
  const name = engine.engine;
  const issues: ManifestIssue[] = [];
  if (methods.length === 0) {
    if (spec.backup) {
      issues.push({
        path: 'spec.backup',
        message: `${name} has no backups; leave spec.backup out`,
      });
    }
    if (spec.terminationPolicy === 'BackupThenDelete') {
      issues.push({
        path: 'spec.terminationPolicy',
        message: `${name} has no backups to take before a deletion: Delete or DoNotTerminate`,
      });
    }
    return issues;
  }
  const method = spec.backup?.method;
  if (method && !methods.includes(method)) {
    issues.push({
      path: 'spec.backup.method',
      message: `${name} backups are ${methods.join(', ')}, not ${method}`,
    });
  }
  if (!pointInTime && spec.backup?.logArchiving) {
    issues.push({
      path: 'spec.backup.logArchiving',
      message: `${name} has no point-in-time recovery, so no log to archive; leave it out or false`,
    });
  }
  return issues;
}

function checkRestore(spec: Spec, engine: EngineOffering): ManifestIssue[] {
  const restore = spec.restore;
  if (!restore || !('cluster' in restore) || !restore.time) return [];
  if (engine.capabilities.backups.pointInTime) return [];
  return [
    {
      path: 'spec.restore.time',
      message: `${engine.engine} has no point-in-time recovery: restore a backup ({ backup: <id> }) or the latest one ({ cluster: <namespace/name> })`,
    },
  ];
}

/**
 * `spec.backup` with the engine's own defaults written in where they differ
 * from {@link DEFAULT_BACKUP_POLICY}: its first backup method, and no log
 * archiving without point-in-time recovery. Unchanged for an engine whose
 * defaults are Basalt's.
 *
 * @public
 */
export function withEngineBackupDefaults(
  spec: Spec,
  engine: EngineOffering,
): Spec['backup'] {
  const { methods, pointInTime } = engine.capabilities.backups;
  const [method] = methods;
  const basaltDefaults =
    method === DEFAULT_BACKUP_POLICY.method && Boolean(pointInTime);
  if (!method || basaltDefaults) return spec.backup;
  return {
    ...DEFAULT_BACKUP_POLICY,
    ...spec.backup,
    method: spec.backup?.method ?? method,
    logArchiving: spec.backup?.logArchiving ?? Boolean(pointInTime),
  };
}
