import { InputError } from '@backstage/errors';
import {
  EngineOffering,
  EngineTemplate,
  Offerings,
  ParameterDefinition,
  ProfileParameterRules,
  parseParameterValue,
} from '@basalt/plugin-basalt-common';

/**
 * Checks engine templates and region profiles against the installed
 * engines' parameter definitions, and returns them with every value
 * written as the engine reads it (`true` becomes `on`), so that admission
 * compares like with like. Throws `InputError` naming the configuration
 * key of the first problem.
 */
export function checkOfferings(offerings: Offerings): Offerings {
  const engineOf = (engine: string, key: string) => {
    const found = offerings.engines.find(e => e.engine === engine);
    if (!found) {
      throw new InputError(
        `${key}: no driver for ${engine} is installed; installed: ${offerings.engines
          .map(e => e.engine)
          .join(', ')}`,
      );
    }
    return found;
  };
  return {
    ...offerings,
    engineTemplates: offerings.engineTemplates.map(template =>
      checkTemplate(
        template,
        engineOf(template.engine, `basalt.engineTemplates.${template.name}`),
      ),
    ),
    profiles: offerings.profiles.map(profile => ({
      ...profile,
      parameters: Object.fromEntries(
        Object.entries(profile.parameters ?? {}).map(([engine, rules]) => {
          const key = `basalt.profiles.${profile.name}.parameters.${engine}`;
          return [engine, checkRules(rules, engineOf(engine, key), key)];
        }),
      ),
    })),
  };
}

function checkTemplate(
  template: EngineTemplate,
  engine: EngineOffering,
): EngineTemplate {
  const key = `basalt.engineTemplates.${template.name}`;
  for (const name of [
    ...(template.allowedParameters ?? []),
    ...(template.lockedParameters ?? []),
  ]) {
    definitionOf(engine, name, key);
  }
  return {
    ...template,
    parameters: normalized(template.parameters, engine, `${key}.parameters`),
  };
}

function checkRules(
  rules: ProfileParameterRules,
  engine: EngineOffering,
  key: string,
): ProfileParameterRules {
  const forbiddable = (name: string, at: string) => {
    const definition = definitionOf(engine, name, at);
    if (!definition.profileMayForbid) {
      throw new InputError(
        `${at}: ${name} is not one a profile may forbid; those are ${engine.parameters
          .filter(d => d.profileMayForbid)
          .map(d => d.name)
          .join(', ')}`,
      );
    }
    return definition;
  };
  rules.forbidden.forEach(name => forbiddable(name, `${key}.forbidden`));
  return {
    forbidden: rules.forbidden,
    forbiddenValues: Object.fromEntries(
      Object.entries(rules.forbiddenValues).map(([name, values]) => {
        const at = `${key}.forbiddenValues.${name}`;
        const definition = forbiddable(name, at);
        return [name, values.map(value => valueOf(definition, value, at))];
      }),
    ),
    pinned: normalized(rules.pinned, engine, `${key}.pinned`),
  };
}

function normalized(
  parameters: Record<string, string>,
  engine: EngineOffering,
  key: string,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(parameters).map(([name, value]) => {
      const at = `${key}.${name}`;
      return [name, valueOf(definitionOf(engine, name, at), value, at)];
    }),
  );
}

function definitionOf(
  engine: EngineOffering,
  name: string,
  key: string,
): ParameterDefinition {
  const definition = engine.parameters.find(d => d.name === name);
  if (!definition) {
    throw new InputError(
      `${key}: ${name} is not a parameter ${engine.engine} lets a manifest set; add a definition under basalt.engines.${engine.engine}.parameters`,
    );
  }
  return definition;
}

function valueOf(
  definition: ParameterDefinition,
  value: string,
  key: string,
): string {
  const result = parseParameterValue(definition, value);
  if (!result.ok) throw new InputError(`${key}: must be ${result.allowed}`);
  return result.value;
}
