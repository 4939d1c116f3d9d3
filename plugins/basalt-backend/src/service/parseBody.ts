import { InputError } from '@backstage/errors';
import express from 'express';
import { parse } from 'yaml';

/** Content types under which a manifest may be sent as YAML. */
export const YAML_CONTENT_TYPES = [
  'application/yaml',
  'application/x-yaml',
  'text/yaml',
];

/**
 * The manifest in a request body: JSON (parsed already) or YAML text, as
 * kept in a service's repository.
 */
export function parseManifestBody(req: express.Request): unknown {
  if (typeof req.body !== 'string') {
    return req.body;
  }
  try {
    return parse(req.body);
  } catch (error) {
    throw new InputError(
      `The request body is not valid YAML: ${(error as Error).message}`,
    );
  }
}
