import { ManifestValidationError, parseEngineCluster } from '../manifest';
import { applyOfferings, PolicyViolationError } from './applyOfferings';
import { offerings } from './__testUtils__/offerings';

const cluster = (spec: object) =>
  parseEngineCluster({
    apiVersion: 'basalt.dev/v1alpha1',
    kind: 'EngineCluster',
    metadata: { name: 'payments-db' },
    spec: { engine: 'postgresql', ...spec },
  });

const refusal = (spec: object, type: Function = PolicyViolationError) => {
  try {
    applyOfferings(cluster(spec), offerings);
  } catch (error) {
    expect(error).toBeInstanceOf(type);
    return (error as Error).message;
  }
  throw new Error('expected a refusal');
};

const parameterRefusal = (spec: object) =>
  refusal(spec, ManifestValidationError);

describe('applyOfferings', () => {
  it('applies template parameters under the manifest’s own', () => {
    const { spec } = applyOfferings(
      cluster({
        template: 'postgresql-ha',
        parameters: { max_connections: '50' },
      }),
      offerings,
    );
    expect(spec.parameters).toEqual({
      max_connections: '50',
      log_connections: 'on',
    });
  });

  it('writes values as the engine reads them and adds pinned ones', () => {
    const { spec } = applyOfferings(
      cluster({
        profile: 'sg-prod',
        parameters: { fsync: 'true', checkpoint_timeout: ' 5min ' },
      }),
      offerings,
    );
    expect(spec.parameters).toEqual({
      fsync: 'on',
      checkpoint_timeout: '5min',
      log_connections: 'on',
    });
  });

  it('admits a stored manifest again unchanged (as a scale does)', () => {
    const once = applyOfferings(
      cluster({
        template: 'postgresql-locked',
        profile: 'sg-prod',
        parameters: { checkpoint_timeout: '60' },
      }),
      offerings,
    );
    expect(applyOfferings(once, offerings)).toEqual(once);
  });

  it.each([
    [
      { parameters: { archive_cleanup_command: 'touch /tmp/x' } },
      'spec.parameters.archive_cleanup_command: runs a command on the host; no manifest may set it',
    ],
    [
      { parameters: { port: '5433' } },
      'spec.parameters.port: is managed by Basalt; no manifest may set it',
    ],
    [
      { parameters: { shared_preload_libraries: 'x' } },
      'spec.parameters.shared_preload_libraries: not a parameter a manifest may set for postgresql; GET /api/basalt/offerings lists those that are (engines[].parameters)',
    ],
    [
      { parameters: { max_connections: '5' } },
      'spec.parameters.max_connections: must be a whole number from 10 to 10000',
    ],
    [
      { parameters: { max_connections: '100\nfsync = off' } },
      'spec.parameters.max_connections: must be a whole number from 10 to 10000',
    ],
    [
      { parameters: { checkpoint_timeout: '1500ms' } },
      'spec.parameters.checkpoint_timeout: must be a whole number from 30 to 86400 s, bare or with a unit (us, ms, s, min, h, d) that converts to whole s',
    ],
    [
      { parameters: { fsync: 'maybe' } },
      'spec.parameters.fsync: must be on or off',
    ],
    [
      { profile: 'sg-prod', parameters: { fsync: 'false' } },
      "spec.parameters.fsync: profile sg-prod does not allow 'false' (forbidden: off)",
    ],
    [
      { profile: 'sg-prod', parameters: { log_connections: 'off' } },
      "spec.parameters.log_connections: profile sg-prod requires 'on'",
    ],
    [
      { template: 'postgresql-locked', parameters: { log_connections: 'off' } },
      "spec.parameters.log_connections: engine template postgresql-locked sets it to 'on' and does not let a manifest change it",
    ],
    [
      { template: 'postgresql-locked', parameters: { fsync: 'on' } },
      'spec.parameters.fsync: engine template postgresql-locked lets a manifest set only checkpoint_timeout',
    ],
    [
      { accounts: [{ name: 'basalt' }] },
      "spec.accounts.0.name: 'basalt' is reserved by postgresql or Basalt (reserved: basalt, pg_*)",
    ],
    [
      { accounts: [{ name: 'pg_monitor' }] },
      "spec.accounts.0.name: 'pg_monitor' is reserved by postgresql or Basalt (reserved: basalt, pg_*)",
    ],
    [
      { databases: ['postgres'] },
      "spec.databases.0: 'postgres' is reserved by postgresql (reserved: postgres)",
    ],
  ])('refuses %j naming the field', (spec, message) => {
    expect(parameterRefusal(spec)).toBe(
      `Invalid EngineCluster manifest: ${message}`,
    );
  });

  it('reports every refused parameter at once', () => {
    const error = (() => {
      try {
        applyOfferings(
          cluster({ parameters: { fsync: 'x', restore_command: 'y' } }),
          offerings,
        );
      } catch (e) {
        return e as ManifestValidationError;
      }
      throw new Error('expected a refusal');
    })();
    expect(error.issues.map(i => i.path)).toEqual([
      'spec.parameters.fsync',
      'spec.parameters.restore_command',
    ]);
  });

  it('fills in the profile’s backup policy', () => {
    const { spec } = applyOfferings(
      cluster({ profile: 'sg-prod', replicas: 3 }),
      offerings,
    );
    expect(spec.backup).toEqual({
      schedule: '0 2 * * *',
      retention: '14d',
      repository: 'default',
      method: 'physical',
      logArchiving: true,
      restoreTest: true,
    });
  });

  it('leaves a manifest without template or profile as it is', () => {
    const plain = cluster({ replicas: 2 });
    expect(applyOfferings(plain, offerings)).toEqual({
      ...plain,
      spec: { ...plain.spec, version: '15' },
    });
  });

  it.each([
    [
      { template: 'mysql-ha' },
      "spec.template: no engine template 'mysql-ha'; available: postgresql-ha, postgresql-locked",
    ],
    [
      { profile: 'eu-prod' },
      "spec.profile: no region profile 'eu-prod'; available: sg-prod, tls-only",
    ],
    [
      { profile: 'sg-prod', engine: 'redis' },
      'spec.engine: profile sg-prod allows postgresql, not redis',
    ],
    [
      { engine: 'mysql' },
      'spec.engine: no driver for mysql is installed; installed: postgresql, redis',
    ],
    [
      { engine: 'postgres' },
      'spec.engine: no driver for postgres is installed; installed: postgresql, redis (did you mean postgresql?)',
    ],
    [
      { version: '14' },
      'spec.version: postgresql 14 is not supported; supported: 15, 16',
    ],
    [
      { profile: 'sg-prod', version: '16' },
      'spec.version: profile sg-prod allows postgresql 15, not 16',
    ],
    [
      { profile: 'sg-prod', replicas: 5 },
      'spec.replicas: profile sg-prod allows at most 3 replicas, not 5',
    ],
    [
      { profile: 'sg-prod', backup: { retention: '1d' } },
      'spec.backup.retention: profile sg-prod requires 14d, not 1d',
    ],
  ])('refuses %j: %s', (spec, message) => {
    expect(refusal(spec)).toBe(message);
  });

  it('refuses a profile that requires TLS for an engine that serves none', () => {
    const message = refusal(
      { engine: 'redis', profile: 'tls-only' },
      ManifestValidationError,
    );
    expect(message).toContain(
      'spec.profile: profile tls-only requires TLS, which redis clusters do not serve in Basalt',
    );
    expect(() =>
      applyOfferings(cluster({ profile: 'tls-only' }), offerings),
    ).not.toThrow();
  });

  it('refuses a template of another engine', () => {
    expect(refusal({ engine: 'redis', template: 'postgresql-ha' })).toBe(
      "spec.template: engine template 'postgresql-ha' is for postgresql, not redis",
    );
  });
});
