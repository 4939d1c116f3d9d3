import { InputError } from '@backstage/errors';
import {
  ManifestValidationError,
  parseEngineCluster,
} from './parseEngineCluster';

const minimal = {
  apiVersion: 'basalt.dev/v1alpha1',
  kind: 'EngineCluster',
  metadata: { name: 'payments-db' },
  spec: { engine: 'postgresql' },
};

function issuesOf(input: unknown) {
  try {
    parseEngineCluster(input);
  } catch (error) {
    if (error instanceof ManifestValidationError) return error;
    throw error;
  }
  throw new Error('expected the manifest to be refused');
}

const withSpec = (spec: object) => ({
  ...minimal,
  spec: { ...minimal.spec, ...spec },
});

describe('parseEngineCluster', () => {
  it('applies the schema’s defaults to a minimal manifest, leaving the engine’s to admission', () => {
    expect(parseEngineCluster(minimal)).toEqual({
      apiVersion: 'basalt.dev/v1alpha1',
      kind: 'EngineCluster',
      metadata: {
        name: 'payments-db',
        namespace: 'default',
        labels: {},
        annotations: {},
      },
      spec: {
        engine: 'postgresql',
        replicas: 1,
        resources: { class: 's' },
        storage: { size: '1Gi', pool: 'default' },
        ha: { failover: 'automatic', replication: 'async' },
        databases: [],
        accounts: [],
        parameters: {},
        terminationPolicy: 'BackupThenDelete',
      },
    });
  });

  it('keeps what the manifest says over the defaults', () => {
    const cluster = parseEngineCluster(
      withSpec({
        engine: 'redis',
        version: '7.0',
        replicas: 3,
        ha: { replication: 'sync' },
        storage: { size: '20Gi', throughput: '100Mi' },
        backup: { schedule: '0 2 * * *', retention: '7d' },
        databases: ['payments'],
        accounts: [{ name: 'app', databases: ['payments'] }],
        terminationPolicy: 'Delete',
      }),
    );
    expect(cluster.spec).toMatchObject({
      engine: 'redis',
      version: '7.0',
      replicas: 3,
      ha: { failover: 'automatic', replication: 'sync' },
      storage: { size: '20Gi', throughput: '100Mi', pool: 'default' },
      backup: { schedule: '0 2 * * *', retention: '7d', repository: 'default' },
      accounts: [{ name: 'app', databases: ['payments'], role: 'readwrite' }],
      terminationPolicy: 'Delete',
    });
  });

  it.each([
    [
      withSpec({ engine: 'Mongo DB' }),
      'spec.engine: must be an engine id: lower-case letters, digits and "-", e.g. postgresql',
    ],
    [withSpec({ replicas: 12 }), 'spec.replicas: must be at most 9'],
    [
      withSpec({ replicas: 0 }),
      'spec.replicas: must be at least 1 (1 is a standalone instance)',
    ],
    [withSpec({ replicas: 1.5 }), 'spec.replicas: must be a whole number'],
    [
      withSpec({ storage: { size: '20GB' } }),
      'spec.storage.size: must be a positive whole number with a unit (Mi, Gi, Ti), e.g. 20Gi',
    ],
    [
      withSpec({ terminationPolicy: 'Keep' }),
      'spec.terminationPolicy: must be one of "DoNotTerminate", "BackupThenDelete", "Delete"',
    ],
    [
      withSpec({ ha: { replication: 'sync' } }),
      'spec.ha.replication: sync needs at least 2 replicas (spec.replicas is 1)',
    ],
    [
      withSpec({ resources: { class: 'm', cpu: '2' } }),
      'spec.resources: give either a class or explicit cpu/memory, not both',
    ],
    [
      withSpec({ backup: { schedule: 'daily' } }),
      'spec.backup.schedule: must be a cron expression with five fields, e.g. "0 2 * * *"',
    ],
    [
      withSpec({ backup: { logArchiving: true, walArchiving: false } }),
      'spec.backup.walArchiving: is the former name of spec.backup.logArchiving, which says otherwise; give only logArchiving',
    ],
    [
      withSpec({ accounts: [{ name: 'app', databases: ['ledger'] }] }),
      "spec.accounts.0.databases: names database 'ledger', which is not in spec.databases (empty)",
    ],
    [withSpec({ replica: 3 }), 'spec: has unknown field replica'],
    [
      { ...minimal, metadata: { name: 'Payments_DB' } },
      "metadata.name: must be a DNS label: lower-case letters, digits and '-', starting and ending with a letter or digit",
    ],
    [{ ...minimal, metadata: {} }, 'metadata.name: is required (string)'],
    [{ ...minimal, kind: 'Cluster' }, 'kind: must be one of "EngineCluster"'],
  ])('refuses %j naming the field: %s', (input, expected) => {
    const error = issuesOf(input);
    expect(error.issues.map(i => `${i.path}: ${i.message}`)).toContain(
      expected,
    );
    expect(error.message).toContain(expected);
    expect(error).toBeInstanceOf(InputError);
  });

  it('reads walArchiving, the former name of logArchiving, as logArchiving', () => {
    for (const logArchiving of [true, false]) {
      const { spec } = parseEngineCluster(
        withSpec({ backup: { walArchiving: logArchiving } }),
      );
      expect(spec.backup).toEqual({
        repository: 'default',
        restoreTest: true,
        logArchiving,
      });
    }
    const both = parseEngineCluster(
      withSpec({ backup: { walArchiving: false, logArchiving: false } }),
    );
    expect(both.spec.backup).toEqual({
      repository: 'default',
      restoreTest: true,
      logArchiving: false,
    });
  });

  it('lists every problem at once', () => {
    const error = issuesOf(withSpec({ engine: 'Mongo', replicas: 0 }));
    expect(error.issues.map(i => i.path)).toEqual([
      'spec.engine',
      'spec.replicas',
    ]);
  });
});
