import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import {
  DEFAULT_NETWORK_POLICY,
  ENGINE_ID_PATTERN,
  Engine,
  NetworkPolicy,
  EngineTemplate,
  Offerings,
  RESOURCE_CLASSES,
  RegionProfile,
  ResourceClass,
} from '@basalt/plugin-basalt-common';
import { EngineDriver } from '@basalt/plugin-basalt-node';
import { isCidr } from '../network/cidr';
import { checkOfferings } from './checkOfferings';
import { readEngineOfferings } from './readEngineOfferings';

const DEFAULT_RESOURCE_CLASSES: ResourceClass[] = [
  { name: 's', cpu: '1', memory: '1Gi' },
  { name: 'm', cpu: '2', memory: '4Gi' },
  { name: 'l', cpu: '4', memory: '16Gi' },
];

// Templates must name an installed engine (checkOfferings); a profile may
// allow one before its module is installed, as admission refuses it anyway.
function asEngine(engine: string, key: string): Engine {
  if (!ENGINE_ID_PATTERN.test(engine)) {
    throw new InputError(
      `${key} must be an engine id such as postgresql, got '${engine}'`,
    );
  }
  return engine;
}

function stringMap(config: Config | undefined): Record<string, string> {
  if (!config) return {};
  return Object.fromEntries(
    config.keys().map(key => [key, String(config.get(key))]),
  );
}

function readTemplate(config: Config, name: string): EngineTemplate {
  return {
    name,
    engine: asEngine(
      config.getString('engine'),
      `basalt.engineTemplates.${name}.engine`,
    ),
    description: config.getOptionalString('description') ?? '',
    parameters: stringMap(config.getOptionalConfig('parameters')),
    ...(config.has('allowedParameters') && {
      allowedParameters: config.getStringArray('allowedParameters'),
    }),
    lockedParameters: config.getOptionalStringArray('lockedParameters') ?? [],
  };
}

function readParameterRules(
  config: Config | undefined,
): RegionProfile['parameters'] {
  return Object.fromEntries(
    (config?.keys() ?? []).map(engine => {
      const rules = config!.getConfig(engine);
      const forbiddenValues = rules.getOptionalConfig('forbiddenValues');
      return [
        engine,
        {
          forbidden: rules.getOptionalStringArray('forbidden') ?? [],
          forbiddenValues: Object.fromEntries(
            (forbiddenValues?.keys() ?? []).map(name => [
              name,
              forbiddenValues!.getStringArray(name),
            ]),
          ),
          pinned: stringMap(rules.getOptionalConfig('pinned')),
        },
      ];
    }),
  );
}

function readProfile(config: Config, name: string): RegionProfile {
  const engines = config.getConfig('engines');
  return {
    name,
    description: config.getOptionalString('description') ?? '',
    runtime: config.getOptionalString('runtime') ?? 'local',
    engines: Object.fromEntries(
      engines
        .keys()
        .map(engine => [
          asEngine(engine, `basalt.profiles.${name}.engines`),
          engines.getStringArray(engine),
        ]),
    ),
    maxReplicas: config.getOptionalNumber('maxReplicas') ?? 9,
    parameters: readParameterRules(config.getOptionalConfig('parameters')),
    network: readNetworkPolicy(config, `basalt.profiles.${name}`),
    ...(config.has('backup') && {
      backup: {
        schedule: config.getOptionalString('backup.schedule'),
        retention: config.getOptionalString('backup.retention'),
      },
    }),
  };
}

function readNetworkPolicy(config: Config, key: string): NetworkPolicy {
  const tls = config.getOptionalString('tls') ?? DEFAULT_NETWORK_POLICY.tls;
  if (tls !== 'required' && tls !== 'optional') {
    throw new InputError(
      `${key}.tls must be one of required, optional, got '${tls}'`,
    );
  }
  const allowedNetworks =
    config.getOptionalStringArray('allowedNetworks') ??
    DEFAULT_NETWORK_POLICY.allowedNetworks;
  allowedNetworks.forEach((cidr, index) => {
    if (!isCidr(cidr)) {
      throw new InputError(
        `${key}.allowedNetworks[${index}] must be a CIDR with no host bits set, e.g. 10.0.0.0/8, got '${cidr}'`,
      );
    }
  });
  return { tls, allowedNetworks };
}

/**
 * What the platform team offers, from `basalt.engines`,
 * `basalt.engineTemplates`, `basalt.profiles` and `basalt.resourceClasses`
 * (see `config.d.ts`), over the installed engine drivers. Templates and
 * profiles are checked against the engines' parameter definitions, so a
 * backend with a template that could never be applied does not start.
 */
export function readOfferings(
  root: Config,
  drivers: EngineDriver[],
): Offerings {
  const config = root.getOptionalConfig('basalt');
  const section = (key: string) => config?.getOptionalConfig(key);
  const templates = section('engineTemplates');
  const profiles = section('profiles');
  const classes = section('resourceClasses');
  return checkOfferings({
    engines: readEngineOfferings(root, drivers),
    engineTemplates: (templates?.keys() ?? []).map(name =>
      readTemplate(templates!.getConfig(name), name),
    ),
    profiles: (profiles?.keys() ?? []).map(name =>
      readProfile(profiles!.getConfig(name), name),
    ),
    resourceClasses: classes
      ? RESOURCE_CLASSES.filter(name => classes.has(name)).map(name => ({
          name,
          cpu: classes.getString(`${name}.cpu`),
          memory: classes.getString(`${name}.memory`),
        }))
      : DEFAULT_RESOURCE_CLASSES,
  });
}
