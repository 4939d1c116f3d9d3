import { exampleProblems } from '../__testUtils__/exampleProblems';
import { BasaltCaller } from '../basalt/BasaltCaller';
import { createBackupCreateAction } from './backupCreate';
import { examples } from './backupCreate.examples';

describe('backupCreate examples', () => {
  // Examples reference template parameters, so they are checked against
  // the action's schema rather than run.
  const action = createBackupCreateAction({ basalt: {} as BasaltCaller });

  it.each(examples.map(e => [e.description, e.example]))(
    '%s',
    (_d, example) => {
      expect(exampleProblems(action, example)).toEqual([]);
    },
  );
});
