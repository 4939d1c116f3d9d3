import { TemplateAction } from '@backstage/plugin-scaffolder-node';
import { parse } from 'yaml';

/**
 * What is wrong with one example of an action: another action, inputs the
 * action does not declare, or required inputs missing. Empty when it fits.
 */
export function exampleProblems(
  action: TemplateAction<any, any, any>,
  example: string,
): string[] {
  const [step] = parse(example).steps;
  const schema = action.schema?.input as {
    properties?: object;
    required?: string[];
  };
  const declared = Object.keys(schema.properties ?? {});
  return [
    ...(step.action === action.id
      ? []
      : [`calls ${step.action}, not ${action.id}`]),
    ...Object.keys(step.input)
      .filter(key => !declared.includes(key))
      .map(key => `uses undeclared input ${key}`),
    ...(schema.required ?? [])
      .filter(key => !(key in step.input))
      .map(key => `lacks required input ${key}`),
  ];
}
