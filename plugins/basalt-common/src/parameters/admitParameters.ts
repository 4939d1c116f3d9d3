import type { ManifestIssue } from '../manifest';
import type { EngineTemplate, RegionProfile } from '../offerings/types';
import { parseParameterValue } from './parseParameterValue';
import {
  EngineOffering,
  ParameterDefinition,
  ProfileParameterRules,
  RefusedParameterRule,
} from './types';

/** What {@link admitParameters} decides on. */
export interface ParameterAdmission {
  engine: EngineOffering;
  /** The manifest's own `spec.parameters`. */
  parameters: Record<string, string>;
  template?: EngineTemplate;
  profile?: RegionProfile;
}

/** The result of {@link admitParameters}. */
export type AdmittedParameters =
  | { ok: true; parameters: Record<string, string> }
  | { ok: false; issues: ManifestIssue[] };

/**
 * Decides the parameters a cluster runs with: the engine template's tuned
 * values, then the manifest's own, then the values the region profile pins.
 * Every name must be declared by the engine (or added by the platform
 * team), every value must fit its definition, the template may narrow what
 * a manifest may set or lock its own values, and the profile may forbid
 * parameters or values. Values come back as the engine will read them.
 * Every problem is reported, each with its field.
 *
 * @public
 */
export function admitParameters(input: ParameterAdmission): AdmittedParameters {
  const { engine, template } = input;
  const profile = input.profile && {
    name: input.profile.name,
    rules: input.profile.parameters?.[engine.engine],
  };
  const definitions = new Map(engine.parameters.map(d => [d.name, d]));
  const issues: ManifestIssue[] = [];
  const admitted: Record<string, string> = {};
  const own = Object.entries(input.parameters);
  for (const [name, value] of own) {
    const problem =
      refusalOf(name, engine) ??
      templateRuleOf(name, value, template) ??
      valueProblemOf(definitions.get(name)!, value) ??
      profileRuleOf(name, value, definitions.get(name)!, profile);
    if (problem) {
      issues.push({ path: `spec.parameters.${name}`, message: problem });
    } else {
      admitted[name] = parsed(definitions.get(name)!, value);
    }
  }
  if (issues.length > 0) return { ok: false, issues };
  // Checked against the definitions when the configuration was read.
  const fromTemplate = Object.entries(template?.parameters ?? {})
    .filter(([name]) => !(name in admitted))
    .map(([name, value]) => [name, parsed(definitions.get(name), value)]);
  return {
    ok: true,
    parameters: {
      ...Object.fromEntries(fromTemplate),
      ...admitted,
      ...profile?.rules?.pinned,
    },
  };
}

/**
 * Why the engine never lets a manifest set `name`, if it does not; the
 * same rules refuse a definition the platform team adds in configuration.
 *
 * @public
 */
export function refusedParameterReason(
  name: string,
  rules: RefusedParameterRule[],
): string | undefined {
  return rules.find(
    rule =>
      rule.names?.includes(name) ||
      (rule.pattern !== undefined && new RegExp(rule.pattern).test(name)),
  )?.reason;
}

function refusalOf(name: string, engine: EngineOffering): string | undefined {
  const reason = refusedParameterReason(name, engine.refusedParameters);
  if (reason) return `${reason}; no manifest may set it`;
  if (!engine.parameters.some(d => d.name === name)) {
    return `not a parameter a manifest may set for ${engine.engine}; GET /api/basalt/offerings lists those that are (engines[].parameters)`;
  }
  return undefined;
}

function templateRuleOf(
  name: string,
  value: string,
  template: EngineTemplate | undefined,
): string | undefined {
  if (!template) return undefined;
  const { allowedParameters, lockedParameters = [], parameters } = template;
  // Restating the template's own value is always fine (a stored manifest
  // holds them, and is admitted again when it is scaled).
  if (parameters[name] === value) return undefined;
  if (lockedParameters.includes(name) && parameters[name] !== value) {
    return `engine template ${template.name} sets it to '${parameters[name]}' and does not let a manifest change it`;
  }
  if (allowedParameters && !allowedParameters.includes(name)) {
    return `engine template ${template.name} lets a manifest set only ${
      allowedParameters.join(', ') || 'no parameters'
    }`;
  }
  return undefined;
}

function valueProblemOf(
  definition: ParameterDefinition,
  value: string,
): string | undefined {
  const result = parseParameterValue(definition, value);
  return result.ok ? undefined : `must be ${result.allowed}`;
}

function profileRuleOf(
  name: string,
  value: string,
  definition: ParameterDefinition,
  profile: { name: string; rules?: ProfileParameterRules } | undefined,
): string | undefined {
  const rules = profile?.rules;
  if (!profile || !rules) return undefined;
  if (rules.forbidden.includes(name)) {
    return `profile ${profile.name} does not allow it`;
  }
  const normalized = parsed(definition, value);
  if (rules.forbiddenValues[name]?.includes(normalized)) {
    return `profile ${
      profile.name
    } does not allow '${value}' (forbidden: ${rules.forbiddenValues[name].join(
      ', ',
    )})`;
  }
  const pinned = rules.pinned[name];
  if (pinned !== undefined && pinned !== normalized) {
    return `profile ${profile.name} requires '${pinned}'`;
  }
  return undefined;
}

/** A value already known to fit, as the engine will read it. */
function parsed(
  definition: ParameterDefinition | undefined,
  value: string,
): string {
  if (!definition) return value;
  const result = parseParameterValue(definition, value);
  return result.ok ? result.value : value;
}
