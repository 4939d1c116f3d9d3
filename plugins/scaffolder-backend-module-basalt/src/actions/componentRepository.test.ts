import { ConfigReader } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { parse } from 'yaml';
import {
  createComponentRepositoryAction,
  pullRequestTarget,
} from './componentRepository';
import { examples } from './componentRepository.examples';

const integrations = (github: object[]) =>
  ScmIntegrations.fromConfig(new ConfigReader({ integrations: { github } }));
const SOURCE = 'url:https://github.com/acme/payments-service/tree/main/';

describe('pullRequestTarget', () => {
  it("targets the component's GitHub repository when the portal has credentials for it", () => {
    expect(
      pullRequestTarget(
        SOURCE,
        integrations([{ host: 'github.com', token: 'a-token' }]),
      ),
    ).toEqual({
      pullRequest: true,
      repoUrl: 'github.com?owner=acme&repo=payments-service',
      reason: "the component's repository is github.com/acme/payments-service",
    });
  });

  it('says why there is no pull request otherwise', () => {
    const withToken = integrations([{ host: 'github.com', token: 't' }]);
    expect(pullRequestTarget(SOURCE, integrations([])).reason).toBe(
      'the portal has no GitHub integration with credentials for github.com',
    );
    expect(
      pullRequestTarget(SOURCE, integrations([{ host: 'github.com' }])).reason,
    ).toBe(
      'the portal has no GitHub integration with credentials for github.com',
    );
    expect(pullRequestTarget(undefined, withToken)).toEqual({
      pullRequest: false,
      reason: 'the component has no backstage.io/source-location annotation',
    });
    expect(
      pullRequestTarget('file:/work/examples/entities.yaml', withToken).reason,
    ).toBe("the component's source is a file location, not a repository");
  });
});

describe('basalt:component:repository', () => {
  const catalog = catalogServiceMock({
    entities: [
      {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: {
          name: 'payments-service',
          namespace: 'default',
          annotations: { 'backstage.io/source-location': SOURCE },
        },
        spec: { type: 'service', owner: 'payments-team' },
      },
    ],
  });
  const action = createComponentRepositoryAction({
    catalog,
    config: new ConfigReader({
      integrations: { github: [{ host: 'github.com', token: 'a-token' }] },
    }),
  });

  it('runs its example, giving what publish:github:pull-request takes', async () => {
    const { input } = parse(examples[0].example).steps[0];
    const ctx = createMockActionContext({ input });

    await action.handler(ctx);

    expect(ctx.output).toHaveBeenCalledWith('pullRequest', true);
    expect(ctx.output).toHaveBeenCalledWith(
      'repoUrl',
      'github.com?owner=acme&repo=payments-service',
    );
  });

  it('proposes nothing for a component the catalog does not know, saying so', async () => {
    const ctx = createMockActionContext({
      input: { component: 'component:default/nowhere' },
    });

    await action.handler(ctx);

    expect(ctx.output).toHaveBeenCalledWith('pullRequest', false);
    expect(ctx.output).toHaveBeenCalledWith(
      'reason',
      'component:default/nowhere is not in the catalog',
    );
  });
});
