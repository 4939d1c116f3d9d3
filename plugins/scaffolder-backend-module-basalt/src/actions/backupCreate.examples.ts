import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Back up a database before a schema migration and wait until the backup is completed',
    example: yaml.stringify({
      steps: [
        {
          id: 'backup',
          action: 'basalt:backup:create',
          name: 'Back up the database',
          input: { namespace: 'payments', name: 'payments-db' },
        },
      ],
    }),
  },
  {
    description:
      'Take a logical backup (a dump per database), waiting up to ten minutes',
    example: yaml.stringify({
      steps: [
        {
          id: 'backup',
          action: 'basalt:backup:create',
          name: 'Dump the databases',
          input: {
            namespace: 'payments',
            name: '${{ parameters.name }}',
            method: 'logical',
            timeoutSeconds: 600,
          },
        },
      ],
    }),
  },
  {
    description:
      'Start a backup and go on at once; the Backups card shows when it is completed',
    example: yaml.stringify({
      steps: [
        {
          id: 'backup',
          action: 'basalt:backup:create',
          name: 'Start a backup',
          input: {
            namespace: 'payments',
            name: 'payments-db',
            waitForCompletion: false,
          },
        },
      ],
    }),
  },
];
