import { ConfigReader } from '@backstage/config';
import { EngineCluster } from '@basalt/plugin-basalt-common';
import { parse } from 'yaml';
import { PostgresDriver } from '../engines/postgresql';
import { readOfferings } from '../offerings';
import { admitManifest } from './admitManifest';
import { declaredManifest, manifestYaml } from './declaredManifest';

const driver = new PostgresDriver();
const drivers = new Map([[driver.engine, driver]]);
const config = (templateParameters: Record<string, string>) =>
  new ConfigReader({
    basalt: {
      engineTemplates: {
        'postgresql-ha': {
          engine: 'postgresql',
          description: 'HA',
          parameters: templateParameters,
        },
      },
      profiles: {
        'sg-prod': {
          description: 'Singapore production',
          runtime: 'local',
          engines: { postgresql: ['15'] },
          maxReplicas: 3,
          backup: { schedule: '0 2 * * *', retention: '14d' },
        },
      },
    },
  });
const offerings = readOfferings(
  config({ max_connections: '200', log_connections: 'on' }),
  [driver],
);

/** What a developer commits, as `basalt:manifest:write` renders it. */
const committed = {
  apiVersion: 'basalt.dev/v1alpha1',
  kind: 'EngineCluster',
  metadata: {
    name: 'orders-db',
    namespace: 'payments',
    annotations: { 'basalt.dev/owner': 'group:default/payments-team' },
  },
  spec: {
    engine: 'postgresql',
    template: 'postgresql-ha',
    profile: 'sg-prod',
    replicas: 2,
    storage: { size: '2Gi', throughput: '20Mi', pool: 'default' },
    databases: ['orders'],
    accounts: [{ name: 'app', databases: ['orders'], role: 'readwrite' }],
    parameters: { log_min_duration_statement: '250' },
  },
};

describe('declaredManifest', () => {
  const applied = admitManifest(committed, offerings, drivers);

  it('leaves out what the template and profile fill in, keeping the version', () => {
    // As stored: the template's parameters and the profile's backups in.
    expect(applied.spec.parameters).toMatchObject({ max_connections: '200' });
    expect(applied.spec.backup).toMatchObject({ schedule: '0 2 * * *' });

    const declared = declaredManifest(applied, offerings);
    expect(declared.spec.parameters).toEqual({
      log_min_duration_statement: '250',
    });
    expect(declared.spec.backup).toBeUndefined();
    expect(declared.spec.version).toBe('15');
    expect(declared.metadata.annotations).toEqual(
      committed.metadata.annotations,
    );
    // Applied again, it gives exactly the cluster that runs.
    expect(admitManifest(declared, offerings, drivers).spec).toEqual(
      applied.spec,
    );
  });

  it('keeps a value the manifest sets against the template', () => {
    const own = admitManifest(
      {
        ...committed,
        spec: { ...committed.spec, parameters: { max_connections: '300' } },
      },
      offerings,
      drivers,
    );
    expect(declaredManifest(own, offerings).spec.parameters).toEqual({
      max_connections: '300',
    });
  });

  it('keeps what the template gave when the template has changed since', () => {
    const changed = readOfferings(config({ max_connections: '150' }), [driver]);
    const declared = declaredManifest(applied, changed);
    // The running cluster has 200: the file says so, so applying it
    // changes nothing.
    expect(declared.spec.parameters).toEqual({
      max_connections: '200',
      log_connections: 'on',
      log_min_duration_statement: '250',
    });
    expect(admitManifest(declared, changed, drivers).spec).toEqual(
      applied.spec,
    );
  });

  it('returns the stored manifest whole when its template is gone', () => {
    const gone = readOfferings(new ConfigReader({}), [driver]);
    expect(declaredManifest(applied, gone)).toBe(applied);
  });

  it('writes YAML with the header basalt:manifest:write writes, and no secrets', () => {
    const yaml = manifestYaml(declaredManifest(applied, offerings));
    expect(yaml).toMatch(/^# Database as code: the declared state/);
    const parsed = parse(yaml) as EngineCluster;
    expect(parsed).toEqual(
      expect.objectContaining({
        apiVersion: 'basalt.dev/v1alpha1',
        kind: 'EngineCluster',
        metadata: expect.objectContaining({ name: 'orders-db' }),
      }),
    );
    expect(parsed).not.toHaveProperty('status');
    expect(yaml).not.toMatch(/password|secret|uid/i);
  });
});
