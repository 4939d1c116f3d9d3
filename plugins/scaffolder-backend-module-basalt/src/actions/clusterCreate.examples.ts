import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description: 'Create the cluster whose manifest an earlier step wrote',
    example: yaml.stringify({
      steps: [
        {
          id: 'cluster',
          action: 'basalt:cluster:create',
          name: 'Create the database',
          input: {
            manifest: '${{ steps.manifest.output.manifest }}',
            timeoutSeconds: 120,
          },
        },
      ],
    }),
  },
  {
    description:
      'Apply a manifest given inline, without waiting for it to be ready',
    example: yaml.stringify({
      steps: [
        {
          id: 'cluster',
          action: 'basalt:cluster:create',
          name: 'Create the database',
          input: {
            waitForReady: false,
            manifest: {
              apiVersion: 'basalt.dev/v1alpha1',
              kind: 'EngineCluster',
              metadata: { name: 'orders-db', namespace: 'orders' },
              spec: {
                engine: 'postgresql',
                replicas: 3,
                terminationPolicy: 'Delete',
              },
            },
          },
        },
      ],
    }),
  },
];
