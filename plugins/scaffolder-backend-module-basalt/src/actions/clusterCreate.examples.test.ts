import { parse } from 'yaml';
import { BasaltCaller } from '../basalt/BasaltCaller';
import { createClusterCreateAction } from './clusterCreate';
import { examples } from './clusterCreate.examples';

describe('clusterCreate examples', () => {
  const action = createClusterCreateAction({ basalt: {} as BasaltCaller });

  it.each(examples.map(e => [e.description, e.example]))(
    '%s',
    (_d, example) => {
      const [step] = parse(example).steps;
      expect(step.action).toBe(action.id);
      const schema = action.schema?.input as {
        properties?: object;
        required?: string[];
      };
      // Every input an example uses is one the action declares, and every
      // required one is there.
      expect(Object.keys(schema.properties ?? {})).toEqual(
        expect.arrayContaining(Object.keys(step.input)),
      );
      for (const required of schema.required ?? []) {
        expect(step.input).toHaveProperty(required);
      }
    },
  );
});
