import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Move the primary off its node before maintenance, to the most advanced replica',
    example: yaml.stringify({
      steps: [
        {
          id: 'switchover',
          action: 'basalt:cluster:switchover',
          name: 'Switch the database over',
          input: { namespace: 'payments', name: 'payments-db' },
        },
      ],
    }),
  },
  {
    description:
      'Promote a chosen replica, given as a template parameter, and wait up to two minutes',
    example: yaml.stringify({
      steps: [
        {
          id: 'switchover',
          action: 'basalt:cluster:switchover',
          name: 'Promote the chosen replica',
          input: {
            namespace: 'payments',
            name: 'payments-db',
            target: '${{ parameters.replica }}',
            timeoutSeconds: 120,
          },
        },
      ],
    }),
  },
  {
    description:
      'Request a switchover and go on at once; the Health card shows when it is done',
    example: yaml.stringify({
      steps: [
        {
          id: 'switchover',
          action: 'basalt:cluster:switchover',
          name: 'Request a switchover',
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
