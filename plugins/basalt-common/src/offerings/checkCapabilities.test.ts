import { ManifestValidationError, parseEngineCluster } from '../manifest';
import { applyOfferings } from './applyOfferings';
import { offerings } from './__testUtils__/offerings';

const admit = (spec: object) =>
  applyOfferings(
    parseEngineCluster({
      apiVersion: 'basalt.dev/v1alpha1',
      kind: 'EngineCluster',
      metadata: { name: 'sessions' },
      spec,
    }),
    offerings,
  );

const issuesOf = (spec: object) => {
  try {
    admit(spec);
  } catch (error) {
    expect(error).toBeInstanceOf(ManifestValidationError);
    return (error as ManifestValidationError).issues;
  }
  throw new Error('expected a refusal');
};

describe('admission against the engine’s capabilities', () => {
  it('gives a manifest without a version the engine’s default one', () => {
    expect(admit({ engine: 'redis' }).spec.version).toBe('7');
    expect(admit({ engine: 'postgresql' }).spec.version).toBe('15');
  });

  it('writes in the backup defaults of an engine that has no point-in-time recovery', () => {
    expect(admit({ engine: 'redis' }).spec.backup).toEqual({
      repository: 'default',
      method: 'physical',
      logArchiving: false,
      restoreTest: true,
    });
    expect(
      admit({ engine: 'redis', backup: { schedule: '0 2 * * *' } }).spec.backup,
    ).toMatchObject({ schedule: '0 2 * * *', logArchiving: false });
  });

  it('leaves Basalt’s backup defaults to an engine that has them all', () => {
    expect(admit({ engine: 'postgresql' }).spec.backup).toBeUndefined();
  });

  it('refuses what the engine cannot do, every field at once', () => {
    expect(
      issuesOf({
        engine: 'redis',
        replicas: 3,
        ha: { replication: 'sync' },
        databases: ['app'],
        accounts: [
          { name: 'app', databases: ['app'] },
          { name: 'ops', role: 'admin' },
        ],
        backup: { method: 'logical', logArchiving: true },
      }),
    ).toEqual([
      {
        path: 'spec.databases',
        message: 'redis has no named databases; leave spec.databases out',
      },
      {
        path: 'spec.accounts.0.databases',
        message:
          'redis has no named databases: an account is granted on the whole cache; leave it out',
      },
      {
        path: 'spec.accounts.1.role',
        message: 'redis accounts may be readwrite, readonly, not admin',
      },
      {
        path: 'spec.ha.replication',
        message: 'redis replicates async, not sync',
      },
      {
        path: 'spec.backup.method',
        message: 'redis backups are physical, not logical',
      },
      {
        path: 'spec.backup.logArchiving',
        message:
          'redis has no point-in-time recovery, so no log to archive; leave it out or false',
      },
    ]);
  });

  it('refuses a point-in-time restore of an engine without one, and allows the latest backup', () => {
    expect(
      issuesOf({
        engine: 'redis',
        restore: { cluster: 'default/old', time: '2026-12-01T08:00:00Z' },
      }),
    ).toEqual([
      {
        path: 'spec.restore.time',
        message:
          'redis has no point-in-time recovery: restore a backup ({ backup: <id> }) or the latest one ({ cluster: <namespace/name> })',
      },
    ]);
    expect(
      admit({ engine: 'redis', restore: { cluster: 'default/old' } }).spec
        .restore,
    ).toEqual({ cluster: 'default/old' });
  });

  it('admits everything PostgreSQL declares', () => {
    const { spec } = admit({
      engine: 'postgresql',
      replicas: 2,
      ha: { replication: 'sync' },
      databases: ['app'],
      accounts: [{ name: 'app', databases: ['app'], role: 'admin' }],
      backup: { method: 'logical', logArchiving: true },
      restore: { cluster: 'default/old', time: '2026-12-01T08:00:00Z' },
    });
    expect(spec.backup).toMatchObject({
      method: 'logical',
      logArchiving: true,
    });
  });
});
