import { createMockDirectory } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { readFileSync } from 'fs';
import { join } from 'path';
import { parse } from 'yaml';
import { createManifestWriteAction } from './manifestWrite';
import { examples } from './manifestWrite.examples';

describe('basalt:manifest:write examples', () => {
  const workspace = createMockDirectory();
  const action = createManifestWriteAction();

  beforeEach(() => workspace.clear());

  const readWorkspace = (path: string) =>
    readFileSync(join(workspace.path, path), 'utf8');

  it.each(examples.map(e => [e.description, e.example]))(
    '%s',
    async (_description, example) => {
      const { input } = parse(example).steps[0];
      const ctx = createMockActionContext({
        input,
        workspacePath: workspace.path,
      });

      await action.handler(ctx);

      const path = input.path ?? `databases/${input.name}.yaml`;
      const written = parse(readWorkspace(path));
      expect(written.metadata.name).toBe(input.name);
      expect(written.spec.engine).toBe(input.engine);
    },
  );
});
