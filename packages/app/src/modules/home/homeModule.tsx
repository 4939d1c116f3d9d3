import { createFrontendModule } from '@backstage/frontend-plugin-api';
import { HomePageWidgetBlueprint } from '@backstage/plugin-home-react/alpha';

// The portal's own part of the home page: a welcome. The team's databases,
// their events and the golden templates are widgets of the Basalt plugin;
// app-config.yaml (`page:home`) lays them all out.
const welcomeWidget = HomePageWidgetBlueprint.make({
  name: 'welcome',
  params: {
    name: 'BasaltWelcome',
    title: 'Welcome to Basalt',
    description: 'What Basalt does for your team and where to start',
    components: () =>
      import('./BasaltWelcome').then(m => ({ Content: m.BasaltWelcome })),
  },
});

/** The home page's welcome widget, in the home plugin. */
export const homeModule = createFrontendModule({
  pluginId: 'home',
  extensions: [welcomeWidget],
});
