import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import {
  EngineOffering,
  ParameterApply,
  ParameterDefinition,
  refusedParameterReason,
} from '@basalt/plugin-basalt-common';
import { EngineDriver } from '@basalt/plugin-basalt-node';

const NAME = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)?$/;
const APPLY: ParameterApply[] = ['reload', 'restart'];

/**
 * What each installed engine offers: its driver's parameter definitions,
 * with those the platform team adds or redefines under
 * `basalt.engines.<engine>.parameters`. An added definition may not name
 * anything the driver refuses (a command, a library, a path, a setting
 * Basalt manages): the backend refuses to start with such configuration.
 */
export function readEngineOfferings(
  root: Config,
  drivers: EngineDriver[],
): EngineOffering[] {
  const engines = root.getOptionalConfig('basalt.engines');
  for (const engine of engines?.keys() ?? []) {
    if (!drivers.some(d => d.engine === engine)) {
      throw new InputError(
        `basalt.engines.${engine}: no driver for ${engine} is installed; installed: ${drivers
          .map(d => d.engine)
          .join(', ')}`,
      );
    }
  }
  return drivers.map(driver => {
    const added = readAddedDefinitions(
      engines?.getOptionalConfig(`${driver.engine}.parameters`),
      driver,
    );
    const addedNames = new Set(added.map(d => d.name));
    return {
      engine: driver.engine,
      versions: driver.versions,
      defaultVersion: driver.defaultVersion,
      capabilities: driver.capabilities,
      parameters: [
        ...driver.parameters.filter(d => !addedNames.has(d.name)),
        ...added,
      ],
      refusedParameters: driver.refusedParameters,
      reservedNames: driver.reservedNames,
    };
  });
}

function readAddedDefinitions(
  config: Config | undefined,
  driver: EngineDriver,
): ParameterDefinition[] {
  return (config?.keys() ?? []).map(name => {
    const key = `basalt.engines.${driver.engine}.parameters.${name}`;
    const refused = refusedParameterReason(name, driver.refusedParameters);
    if (refused) {
      throw new InputError(`${key}: ${name} ${refused}; it cannot be added`);
    }
    if (!NAME.test(name)) {
      throw new InputError(`${key}: not a parameter name`);
    }
    return readDefinition(config!.getConfig(name), name, key);
  });
}

function readDefinition(
  config: Config,
  name: string,
  key: string,
): ParameterDefinition {
  const apply = config.getString('apply') as ParameterApply;
  if (!APPLY.includes(apply)) {
    throw new InputError(`${key}.apply: must be reload or restart`);
  }
  const base = {
    name,
    apply,
    description: config.getOptionalString('description') ?? '',
    profileMayForbid: config.getOptionalBoolean('profileMayForbid') ?? false,
  };
  const type = config.getString('type');
  switch (type) {
    case 'integer':
    case 'real': {
      const min = config.getNumber('min');
      const max = config.getNumber('max');
      if (min > max) throw new InputError(`${key}: min is above max`);
      if (type === 'real') return { ...base, type, min, max };
      const unit = config.getOptionalString('unit');
      if (unit !== undefined && unit !== 'memory' && unit !== 'time') {
        throw new InputError(`${key}.unit: must be memory or time`);
      }
      return {
        ...base,
        type,
        min,
        max,
        ...(unit && { unit, baseUnit: config.getString('baseUnit') }),
      };
    }
    case 'bool':
      return { ...base, type };
    case 'enum':
      return { ...base, type, values: config.getStringArray('values') };
    case 'string':
      return {
        ...base,
        type,
        pattern: config.getString('pattern'),
        maxLength: config.getNumber('maxLength'),
      };
    default:
      throw new InputError(
        `${key}.type: must be integer, real, bool, enum or string, not '${type}'`,
      );
  }
}
