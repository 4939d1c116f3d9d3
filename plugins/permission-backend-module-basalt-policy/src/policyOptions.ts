import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import {
  basaltClusterCreatePermission,
  basaltClusterReadPermission,
  basaltPermissions,
} from '@basalt/plugin-basalt-common';

/**
 * What Basalt's policy grants beyond ownership.
 *
 * @public
 */
export interface BasaltPolicyOptions {
  /** Entity refs whose holders may do everything with every cluster. */
  administrators: ReadonlySet<string>;
  /** Names of the Basalt permissions every signed-in user holds. */
  everyone: ReadonlySet<string>;
}

/** What a portal that configures nothing grants: create, and see all. */
export const DEFAULT_EVERYONE = [
  basaltClusterCreatePermission.name,
  basaltClusterReadPermission.name,
];

const KEY = 'basalt.permissions';

/**
 * Reads `basalt.permissions`, refusing unknown permission names and refs
 * that are not entity refs, so a typo cannot silently widen or narrow
 * access.
 *
 * @throws InputError naming the key and what it allows.
 * @public
 */
export function readBasaltPolicyOptions(config: Config): BasaltPolicyOptions {
  const section = config.getOptionalConfig(KEY);
  const administrators = (
    section?.getOptionalStringArray('administrators') ?? []
  ).map(ref => normalisedEntityRef(ref, `${KEY}.administrators`));
  const everyone =
    section?.getOptionalStringArray('everyone') ?? DEFAULT_EVERYONE;
  const known = basaltPermissions.map(p => p.name);
  for (const name of everyone) {
    if (!known.includes(name)) {
      throw new InputError(
        `${KEY}.everyone: '${name}' is not a Basalt permission; allowed: ${known.join(
          ', ',
        )}`,
      );
    }
  }
  return {
    administrators: new Set(administrators),
    everyone: new Set(everyone),
  };
}

function normalisedEntityRef(ref: string, key: string): string {
  try {
    // Ownership refs arrive lower-case and fully qualified.
    return stringifyEntityRef(parseEntityRef(ref)).toLocaleLowerCase('en-US');
  } catch {
    throw new InputError(
      `${key}: '${ref}' is not an entity ref; write it as kind:namespace/name, e.g. group:default/platform-team`,
    );
  }
}
