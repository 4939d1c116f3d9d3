import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Restore the backup an earlier step took into a new cluster, e.g. to rehearse a migration on a copy',
    example: yaml.stringify({
      steps: [
        {
          id: 'restore',
          action: 'basalt:backup:restore',
          name: 'Restore into a copy',
          input: {
            namespace: 'payments',
            name: 'payments-db',
            targetName: 'payments-db-rehearsal',
            backup: '${{ steps.backup.output.backupId }}',
          },
        },
      ],
    }),
  },
  {
    description:
      'Recover the state of a database just before a bad deploy (point-in-time recovery) into a new cluster',
    example: yaml.stringify({
      steps: [
        {
          id: 'restore',
          action: 'basalt:backup:restore',
          name: 'Recover to a point in time',
          input: {
            namespace: 'payments',
            name: 'payments-db',
            targetName: 'payments-db-recovered',
            time: '${{ parameters.recoverTo }}',
            timeoutSeconds: 1800,
          },
        },
      ],
    }),
  },
  {
    description:
      'Restore the latest backup into another namespace and go on without waiting',
    example: yaml.stringify({
      steps: [
        {
          id: 'restore',
          action: 'basalt:backup:restore',
          name: 'Restore the latest backup',
          input: {
            namespace: 'payments',
            name: 'payments-db',
            targetNamespace: 'payments-staging',
            targetName: 'payments-db',
            waitForReady: false,
          },
        },
      ],
    }),
  },
];
