import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description: 'Destroy a test environment database at the end of a pipeline',
    example: yaml.stringify({
      steps: [
        {
          id: 'destroy',
          action: 'basalt:cluster:destroy',
          name: 'Destroy the test database',
          input: { namespace: 'ci', name: 'pr-1234-db' },
        },
      ],
    }),
  },
];
