import { exampleProblems } from '../__testUtils__/exampleProblems';
import { BasaltCaller } from '../basalt/BasaltCaller';
import { createBackupRestoreAction } from './backupRestore';
import { examples } from './backupRestore.examples';

describe('backupRestore examples', () => {
  // Examples reference earlier steps and template parameters, so they are checked against
  // the action's schema rather than run.
  const action = createBackupRestoreAction({ basalt: {} as BasaltCaller });

  it.each(examples.map(e => [e.description, e.example]))(
    '%s',
    (_d, example) => {
      expect(exampleProblems(action, example)).toEqual([]);
    },
  );
});
