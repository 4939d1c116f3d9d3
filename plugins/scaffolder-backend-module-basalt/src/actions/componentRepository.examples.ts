import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      "Propose the manifest to the component's repository where the portal can",
    example: yaml.stringify({
      steps: [
        {
          id: 'repository',
          action: 'basalt:component:repository',
          name: "Find the service's repository",
          input: { component: 'component:default/payments-service' },
        },
        {
          id: 'pullRequest',
          if: '${{ steps.repository.output.pullRequest }}',
          action: 'publish:github:pull-request',
          name: 'Propose the manifest',
          input: {
            repoUrl: '${{ steps.repository.output.repoUrl }}',
            branchName: 'basalt/payments-db',
            title: 'Add the payments-db database manifest',
            description:
              'Database as code: the manifest Basalt keeps payments-db at.',
            sourcePath: 'databases',
            targetPath: 'databases',
          },
        },
      ],
    }),
  },
];
