import { exampleProblems } from '../__testUtils__/exampleProblems';
import { BasaltCaller } from '../basalt/BasaltCaller';
import { createClusterDestroyAction } from './clusterDestroy';
import { examples } from './clusterDestroy.examples';

describe('clusterDestroy examples', () => {
  // Examples reference earlier steps' outputs, so they are checked against
  // the action's schema rather than run.
  const action = createClusterDestroyAction({ basalt: {} as BasaltCaller });

  it.each(examples.map(e => [e.description, e.example]))(
    '%s',
    (_d, example) => {
      expect(exampleProblems(action, example)).toEqual([]);
    },
  );
});
