import { RESOURCE_CLASSES } from '../manifest';
import type { EngineOffering, ProfileParameterRules } from '../parameters';

/**
 * An engine id, e.g. `postgresql` (see `ENGINE_ID_PATTERN`).
 *
 * @public
 */
export type Engine = string;

/**
 * A golden engine template: tuned parameters and a security baseline for one
 * engine, applied when a manifest names it in `spec.template`. The
 * manifest's own `spec.parameters` win over the template's.
 *
 * @public
 */
export interface EngineTemplate {
  name: string;
  engine: Engine;
  description: string;
  /** Tuned values; a manifest's own win unless the name is locked. */
  parameters: Record<string, string>;
  /**
   * The only parameters a manifest may set (besides locked ones at their
   * template value); undefined: every one the engine declares.
   */
  allowedParameters?: string[];
  /** Parameters whose template value a manifest may not change. */
  lockedParameters?: string[];
}

/**
 * A region compliance profile, applied when a manifest names it in
 * `spec.profile`: which engines and versions are allowed, how many
 * replicas, and the backup policy every cluster in it gets.
 *
 * @public
 */
export interface RegionProfile {
  name: string;
  description: string;
  /** The runtime clusters of this profile run on. */
  runtime: string;
  /** Allowed engines, each with its allowed versions. */
  engines: Partial<Record<Engine, string[]>>;
  /** Most instances a cluster may have. */
  maxReplicas: number;
  /** Backups every cluster of the profile gets; a manifest may not differ. */
  backup?: { schedule?: string; retention?: string };
  /** What the profile rules about `spec.parameters`, by engine. */
  parameters?: Record<string, ProfileParameterRules>;
  /**
   * Who may connect to the profile's clusters, and how; absent:
   * {@link DEFAULT_NETWORK_POLICY}.
   */
  network?: NetworkPolicy;
}

/**
 * A region profile's client network rules, enforced by the engine's own
 * access rules (PostgreSQL's `pg_hba.conf`) on every runtime.
 *
 * @public
 */
export interface NetworkPolicy {
  /**
   * `required`: clients must connect with TLS (plain connections are
   * refused); `optional`: TLS is offered, plain connections are allowed.
   */
  tls: 'required' | 'optional';
  /** The CIDRs clients may connect from, e.g. `10.0.0.0/8`. */
  allowedNetworks: string[];
}

/**
 * The network rules of a profile that sets none, and of clusters without a
 * profile: TLS offered, clients from this host only.
 *
 * @public
 */
export const DEFAULT_NETWORK_POLICY: NetworkPolicy = {
  tls: 'optional',
  allowedNetworks: ['127.0.0.1/32'],
};

/**
 * The resources a size class stands for.
 *
 * @public
 */
export interface ResourceClass {
  name: (typeof RESOURCE_CLASSES)[number];
  cpu: string;
  memory: string;
}

/**
 * What the platform team offers: the body of `GET /api/basalt/offerings`.
 *
 * @public
 */
export interface Offerings {
  /** The installed engines, each with the parameters a manifest may set. */
  engines: EngineOffering[];
  engineTemplates: EngineTemplate[];
  profiles: RegionProfile[];
  resourceClasses: ResourceClass[];
}
