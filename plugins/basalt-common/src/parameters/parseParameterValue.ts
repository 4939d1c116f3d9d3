import { ParameterDefinition, ParameterUnitKind } from './types';

/** Bytes (memory) or microseconds (time) per unit, as PostgreSQL reads them. */
const UNITS: Record<ParameterUnitKind, Record<string, number>> = {
  memory: { B: 1, kB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4 },
  time: {
    us: 1,
    ms: 1_000,
    s: 1_000_000,
    min: 60_000_000,
    h: 3_600_000_000,
    d: 86_400_000_000,
  },
};

/** A parameter's value as admitted: what is written into the engine's configuration. */
export type ParsedParameterValue =
  | { ok: true; value: string }
  | { ok: false; allowed: string };

/**
 * Checks one value against its definition. An accepted value is returned as
 * the engine will read it (booleans as `on`/`off`, numbers without
 * surrounding space); a refused one comes with what is allowed, in words.
 * Only values the engine reads back exactly as meant are accepted: an
 * integer with a unit must convert to a whole number of its base unit
 * (PostgreSQL would round `1kB` of 8 kB pages to 0).
 *
 * @public
 */
export function parseParameterValue(
  definition: ParameterDefinition,
  raw: string,
): ParsedParameterValue {
  const value = raw.trim();
  switch (definition.type) {
    case 'bool': {
      const normalized = { on: 'on', true: 'on', off: 'off', false: 'off' }[
        value.toLowerCase()
      ];
      return normalized
        ? { ok: true, value: normalized }
        : { ok: false, allowed: 'on or off' };
    }
    case 'enum':
      return definition.values.includes(value)
        ? { ok: true, value }
        : { ok: false, allowed: `one of ${definition.values.join(', ')}` };
    case 'string':
      return value === raw &&
        value.length <= definition.maxLength &&
        new RegExp(`^(?:${definition.pattern})$`).test(value)
        ? { ok: true, value }
        : {
            ok: false,
            allowed: `a string matching ${definition.pattern}, at most ${definition.maxLength} characters`,
          };
    case 'real': {
      const number = /^-?[0-9]+(\.[0-9]+)?$/.test(value) ? Number(value) : NaN;
      return number >= definition.min && number <= definition.max
        ? { ok: true, value }
        : {
            ok: false,
            allowed: `a number from ${definition.min} to ${definition.max}`,
          };
    }
    case 'integer':
    default:
      return parseInteger(definition, value);
  }
}

function parseInteger(
  definition: Extract<ParameterDefinition, { type: 'integer' }>,
  value: string,
): ParsedParameterValue {
  const amount = integerInBaseUnit(definition, value);
  if (
    amount !== undefined &&
    amount >= definition.min &&
    amount <= definition.max
  ) {
    return { ok: true, value };
  }
  return { ok: false, allowed: describeIntegerRange(definition) };
}

/**
 * The value as a whole number of the definition's base unit, or undefined
 * when it is not one (malformed, a unit of the wrong kind, or a fraction
 * of the base unit).
 *
 * @public
 */
export function integerInBaseUnit(
  definition: Extract<ParameterDefinition, { type: 'integer' }>,
  value: string,
): number | undefined {
  const match = /^(-?[0-9]+)\s*([A-Za-z]*)$/.exec(value);
  if (!match) return undefined;
  const [, digits, unit] = match;
  const amount = Number(digits);
  if (!Number.isSafeInteger(amount)) return undefined;
  if (!unit) return amount;
  if (!definition.unit || amount < 0) return undefined;
  const units = UNITS[definition.unit];
  const factor = units[unit];
  const base = baseFactor(definition.unit, definition.baseUnit);
  if (factor === undefined || base === undefined) return undefined;
  const converted = (amount * factor) / base;
  return Number.isSafeInteger(converted) ? converted : undefined;
}

/** The size of a base unit such as `8kB` or `ms` in its kind's smallest unit. */
function baseFactor(
  kind: ParameterUnitKind,
  baseUnit = '',
): number | undefined {
  const match = /^([0-9]*)([A-Za-z]+)$/.exec(baseUnit);
  if (!match) return undefined;
  const factor = UNITS[kind][match[2]];
  return factor === undefined ? undefined : factor * Number(match[1] || 1);
}

function describeIntegerRange(
  definition: Extract<ParameterDefinition, { type: 'integer' }>,
): string {
  const unit = definition.baseUnit ? ` ${definition.baseUnit}` : '';
  const range = `a whole number from ${definition.min} to ${definition.max}${unit}`;
  if (!definition.unit) return range;
  const units = Object.keys(UNITS[definition.unit]).join(', ');
  return `${range}, bare or with a unit (${units}) that converts to whole ${definition.baseUnit}`;
}
