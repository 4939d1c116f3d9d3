import { InputError } from '@backstage/errors';
import { z } from 'zod';
import { engineClusterSchema, ParsedEngineCluster } from './schema';

/**
 * One problem found in a manifest: the field's path (`spec.replicas`) and
 * what is allowed there.
 *
 * @public
 */
export interface ManifestIssue {
  path: string;
  message: string;
}

/**
 * A manifest that does not validate. Its message lists every problem with
 * the field it concerns; `issues` has them one by one. It is an `InputError`,
 * so Backstage routes answer it with HTTP 400.
 *
 * @public
 */
export class ManifestValidationError extends InputError {
  readonly issues: ManifestIssue[];

  constructor(issues: ManifestIssue[]) {
    super(
      `Invalid EngineCluster manifest: ${issues
        .map(issue => `${issue.path}: ${issue.message}`)
        .join('; ')}`,
    );
    this.issues = issues;
  }
}

function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_value':
      return `must be one of ${issue.values
        .map(v => JSON.stringify(v))
        .join(', ')}`;
    case 'invalid_type':
      if (!issue.message.startsWith('Invalid input')) {
        return issue.message; // the schema's own wording, e.g. for integers
      }
      return issue.input === undefined
        ? `is required (${issue.expected})`
        : `must be ${
            issue.expected === 'array' ? 'a list' : `a ${issue.expected}`
          }`;
    case 'unrecognized_keys':
      return `has unknown field${
        issue.keys.length > 1 ? 's' : ''
      } ${issue.keys.join(', ')}`;
    default:
      return issue.message;
  }
}

/**
 * Validates an `EngineCluster` manifest and applies the schema's defaults;
 * admission (`applyOfferings`) applies the engine's own.
 *
 * @throws {@link ManifestValidationError} naming every invalid field.
 * @public
 */
export function parseEngineCluster(input: unknown): ParsedEngineCluster {
  // reportInput lets an issue tell a missing field from a mistyped one.
  const result = engineClusterSchema.safeParse(input, { reportInput: true });
  if (result.success) {
    return result.data;
  }
  throw new ManifestValidationError(
    result.error.issues.map(issue => ({
      path: issue.path.length ? issue.path.join('.') : '(manifest)',
      message: describeIssue(issue),
    })),
  );
}
