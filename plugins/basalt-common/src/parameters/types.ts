import type { EngineCapabilities } from '../offerings/capabilities';
/**
 * How a changed parameter reaches a running engine: `reload` in place
 * (PostgreSQL's SIGHUP), or `restart` of each instance, replicas first.
 *
 * @public
 */
export type ParameterApply = 'reload' | 'restart';

/**
 * The units an integer parameter's value may carry, as the engine reads
 * them: memory (`B`, `kB`, `MB`, `GB`, `TB`) or time (`us`, `ms`, `s`,
 * `min`, `h`, `d`).
 *
 * @public
 */
export type ParameterUnitKind = 'memory' | 'time';

/**
 * The type of a parameter's value and its allowed range.
 *
 * - `integer`: a whole number, in `baseUnit` when written bare, or with a
 *   unit of its `unit` kind that converts to a whole number of `baseUnit`s
 *   (PostgreSQL's `8kB` pages, `ms`, …); `min`/`max` are in `baseUnit`.
 * - `real`: a decimal number within `min`/`max`.
 * - `bool`: `on` or `off`.
 * - `enum`: one of `values`.
 * - `string`: matching `pattern` (anchored), at most `maxLength` characters.
 *
 * @public
 */
export type ParameterType =
  | {
      type: 'integer';
      min: number;
      max: number;
      unit?: ParameterUnitKind;
      /** The unit of a bare number and of `min`/`max`, e.g. `kB`, `8kB`, `ms`. */
      baseUnit?: string;
    }
  | { type: 'real'; min: number; max: number }
  | { type: 'bool' }
  | { type: 'enum'; values: string[] }
  | { type: 'string'; pattern: string; maxLength: number };

/**
 * One parameter a manifest may set in `spec.parameters` (the idea of
 * KubeBlocks' ParametersDefinition). Everything an engine's driver does not
 * declare, and the platform team does not add in configuration, is refused
 * at apply; no definition may name a command, a path or a library.
 *
 * @public
 */
export type ParameterDefinition = ParameterType & {
  /** The engine's own name for it, e.g. `work_mem`. */
  name: string;
  description: string;
  /** Whether a change reloads in place or restarts each instance. */
  apply: ParameterApply;
  /**
   * Whether region profiles may forbid it or some of its values (safety
   * settings such as `fsync`); profiles may rule only on these.
   */
  profileMayForbid: boolean;
};

/**
 * What a region profile rules about `spec.parameters` of its clusters.
 *
 * @public
 */
export interface ProfileParameterRules {
  /** Parameters a manifest may not set at all. */
  forbidden: string[];
  /** Values a manifest may not give, by parameter, e.g. `fsync: [off]`. */
  forbiddenValues: Record<string, string[]>;
  /** Values every cluster of the profile gets; a manifest may not differ. */
  pinned: Record<string, string>;
}

/**
 * Names an engine keeps for itself: a manifest may not declare accounts or
 * databases with them (Basalt's own accounts, the engine's system ones).
 *
 * @public
 */
export interface ReservedNames {
  accounts: string[];
  /** Prefixes no account name may start with, e.g. `pg_`. */
  accountPrefixes: string[];
  databases: string[];
}

/**
 * Parameters an engine never lets a manifest set, and why: those that run
 * a command, load a library, name a path, or that Basalt manages itself.
 * Each rule names parameters exactly (`names`) or by a regular expression
 * over the name (`pattern`). No definition, not even one the platform team
 * adds in configuration, may match one.
 *
 * @public
 */
export interface RefusedParameterRule {
  names?: string[];
  pattern?: string;
  /** Why, in words that complete "spec.parameters.x: …", e.g. `runs a command on the host`. */
  reason: string;
}

/**
 * What an installed engine offers: its versions, what it can do, the
 * parameters a manifest may set (the driver's, plus the platform team's
 * additions), those it never lets one set, and the names it reserves. Part
 * of `GET /api/basalt/offerings`.
 *
 * @public
 */
export interface EngineOffering {
  engine: string;
  versions: string[];
  /** The version a manifest that names none gets; one of `versions`. */
  defaultVersion: string;
  capabilities: EngineCapabilities;
  parameters: ParameterDefinition[];
  refusedParameters: RefusedParameterRule[];
  reservedNames: ReservedNames;
}
