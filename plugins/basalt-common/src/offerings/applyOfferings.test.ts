import { parseEngineCluster } from '../manifest';
import { applyOfferings, PolicyViolationError } from './applyOfferings';
import { Offerings } from './types';

const offerings: Offerings = {
  engineTemplates: [
    {
      name: 'postgresql-ha',
      engine: 'postgresql',
      description: 'HA baseline',
      parameters: { max_connections: '200', log_connections: 'on' },
    },
  ],
  profiles: [
    {
      name: 'sg-prod',
      description: 'Singapore production',
      runtime: 'local',
      engines: { postgresql: ['15'] },
      maxReplicas: 3,
      backup: { schedule: '0 2 * * *', retention: '14d' },
    },
  ],
  resourceClasses: [],
};

const cluster = (spec: object) =>
  parseEngineCluster({
    apiVersion: 'basalt.dev/v1alpha1',
    kind: 'EngineCluster',
    metadata: { name: 'payments-db' },
    spec: { engine: 'postgresql', ...spec },
  });

const refusal = (spec: object) => {
  try {
    applyOfferings(cluster(spec), offerings);
  } catch (error) {
    expect(error).toBeInstanceOf(PolicyViolationError);
    return (error as Error).message;
  }
  throw new Error('expected a refusal');
};

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
      walArchiving: true,
      restoreTest: true,
    });
  });

  it('leaves a manifest without template or profile as it is', () => {
    const plain = cluster({ replicas: 2 });
    expect(applyOfferings(plain, offerings)).toEqual(plain);
  });

  it.each([
    [
      { template: 'mysql-ha' },
      "spec.template: no engine template 'mysql-ha'; available: postgresql-ha",
    ],
    [
      { profile: 'eu-prod' },
      "spec.profile: no region profile 'eu-prod'; available: sg-prod",
    ],
    [
      { profile: 'sg-prod', engine: 'redis' },
      'spec.engine: profile sg-prod allows postgresql, not redis',
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

  it('refuses a template of another engine', () => {
    expect(refusal({ engine: 'redis', template: 'postgresql-ha' })).toBe(
      "spec.template: engine template 'postgresql-ha' is for postgresql, not redis",
    );
  });
});
