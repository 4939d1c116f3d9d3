import { exampleProblems } from '../__testUtils__/exampleProblems';
import { BasaltCaller } from '../basalt/BasaltCaller';
import { createClusterSwitchoverAction } from './clusterSwitchover';
import { examples } from './clusterSwitchover.examples';

describe('clusterSwitchover examples', () => {
  // Examples reference template parameters, so they are checked against
  // the action's schema rather than run.
  const action = createClusterSwitchoverAction({ basalt: {} as BasaltCaller });

  it.each(examples.map(e => [e.description, e.example]))(
    '%s',
    (_d, example) => {
      expect(exampleProblems(action, example)).toEqual([]);
    },
  );
});
