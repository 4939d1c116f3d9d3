import { identityApiRef } from '@backstage/frontend-plugin-api';
import {
  createExtensionTester,
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { HomePageWidgetBlueprint } from '@backstage/plugin-home-react/alpha';
import { screen } from '@testing-library/react';
import { basaltApiRef } from '../api';
import {
  goldenTemplatesWidget,
  teamDatabasesWidget,
  teamEventsWidget,
} from './homePageWidgets';

describe('the home page widgets', () => {
  // The names are what app-config.yaml's home page layout places them by.
  it('are named for the home page layout', () => {
    const { widget } = HomePageWidgetBlueprint.dataRefs;
    expect(
      createExtensionTester(teamDatabasesWidget).get(widget),
    ).toMatchObject({
      name: 'BasaltTeamDatabases',
      title: "Your team's databases",
    });
    expect(createExtensionTester(teamEventsWidget).get(widget)).toMatchObject({
      name: 'BasaltTeamEvents',
      title: 'Recent database events',
    });
    expect(
      createExtensionTester(goldenTemplatesWidget).get(widget),
    ).toMatchObject({
      name: 'BasaltGoldenTemplates',
      title: 'Golden templates',
    });
  });

  it("renders the team's databases in a card with its title", async () => {
    const data = createExtensionTester(teamDatabasesWidget).get(
      HomePageWidgetBlueprint.dataRefs.widget,
    );
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [basaltApiRef, { listClusters: async () => [] }],
          [identityApiRef, mockApis.identity({ ownershipEntityRefs: [] })],
        ]}
      >
        {data.component}
      </TestApiProvider>,
    );

    expect(
      await screen.findByText("Your team's databases"),
    ).toBeInTheDocument();
    expect(
      await screen.findByText(/Your team owns no database yet/),
    ).toBeInTheDocument();
  });

  it('lists the templates with the tag in its config', async () => {
    const data = createExtensionTester(goldenTemplatesWidget, {
      config: { tag: 'ci' },
    }).get(HomePageWidgetBlueprint.dataRefs.widget);
    await renderInTestApp(data.component, {
      apis: [catalogApiMock({ entities: [] })],
    });

    expect(
      await screen.findByText(/No template tagged "ci" is in the catalog/),
    ).toBeInTheDocument();
  });
});
