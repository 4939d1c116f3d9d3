import { InputError } from '@backstage/errors';
import {
  RefusedParameterRule,
  refusedParameterReason,
} from '@basalt/plugin-basalt-common';

/**
 * A manifest's parameters as a driver is about to write them into its
 * engine's configuration file. The API admitted them against the
 * definitions before storing them; they are checked again here, so that no
 * path (a stored manifest from before admission existed, a module's
 * caller) can make the server run a command, load a library or use a path:
 * a refused or malformed name, or a control character in a value (which
 * could start a line of its own), is an `InputError` naming the parameter.
 */
export function checkedParameters(
  parameters: Record<string, string>,
  engine: {
    name: string;
    refused: RefusedParameterRule[];
    namePattern: RegExp;
  },
): Record<string, string> {
  for (const [name, value] of Object.entries(parameters)) {
    const refused = refusedParameterReason(name, engine.refused);
    if (refused || !engine.namePattern.test(name)) {
      throw new InputError(
        `spec.parameters.${name}: ${
          refused ?? `is not a ${engine.name} parameter name`
        }`,
      );
    }
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u001f\u007f]/.test(value)) {
      throw new InputError(
        `spec.parameters.${name}: the value contains a control character`,
      );
    }
  }
  return parameters;
}
