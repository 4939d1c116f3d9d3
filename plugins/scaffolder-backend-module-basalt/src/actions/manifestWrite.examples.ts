import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

const step = (input: Record<string, unknown>) =>
  yaml.stringify({
    steps: [
      {
        id: 'manifest',
        action: 'basalt:manifest:write',
        name: 'Write the database manifest',
        input,
      },
    ],
  });

export const examples: TemplateExample[] = [
  {
    description: 'A standalone PostgreSQL database for a service',
    example: step({
      name: 'payments-db',
      namespace: 'payments',
      engine: 'postgresql',
      databases: ['payments'],
      owner: 'group:default/payments-team',
      component: 'component:default/payments-service',
    }),
  },
  {
    description:
      'A highly available PostgreSQL cluster, size m, in the sg-prod profile',
    example: step({
      name: 'ledger-db',
      engine: 'postgresql',
      replicas: 3,
      resourceClass: 'm',
      storageSize: '20Gi',
      profile: 'sg-prod',
      manifest: { spec: { ha: { replication: 'sync' } } },
      path: 'deploy/ledger-db.yaml',
    }),
  },
];
