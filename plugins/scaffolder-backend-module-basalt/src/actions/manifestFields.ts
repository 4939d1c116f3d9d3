import {
  COMPONENT_ANNOTATION,
  ENGINE_CLUSTER_API_VERSION,
  ENGINE_CLUSTER_KIND,
  OWNER_ANNOTATION,
  ParsedEngineCluster,
  RESOURCE_CLASSES,
  TERMINATION_POLICIES,
  parseEngineCluster,
} from '@basalt/plugin-basalt-common';
import { z as zod } from 'zod/v3';

type Z = typeof zod;

/**
 * Template inputs that make up a manifest, shared by the actions that take
 * one: each field, or a whole (or partial) manifest the fields override.
 */
export const manifestFieldInputs = {
  name: (z: Z) =>
    z
      .string({
        description:
          'Cluster name (metadata.name), a DNS label; or in manifest',
      })
      .optional(),
  namespace: (z: Z) =>
    z.string({ description: 'Namespace (metadata.namespace)' }).optional(),
  engine: (z: Z) =>
    z
      .string({
        description:
          'Engine (spec.engine): an installed engine, e.g. postgresql; GET /api/basalt/offerings lists them',
      })
      .optional(),
  version: (z: Z) =>
    z
      .string({
        description: 'Engine version; the engine default if absent',
      })
      .optional(),
  replicas: (z: Z) =>
    z
      .number({
        description: '1 for standalone, more for primary + replicas',
      })
      .optional(),
  resourceClass: (z: Z) =>
    z
      .enum(RESOURCE_CLASSES, {
        description: 'Size class (spec.resources.class)',
      })
      .optional(),
  storageSize: (z: Z) =>
    z
      .string({
        description: 'Volume size (spec.storage.size), e.g. 20Gi',
      })
      .optional(),
  template: (z: Z) =>
    z.string({ description: 'Engine template (spec.template)' }).optional(),
  profile: (z: Z) =>
    z.string({ description: 'Region profile (spec.profile)' }).optional(),
  databases: (z: Z) =>
    z
      .array(z.string(), {
        description: 'Databases to create (spec.databases)',
      })
      .optional(),
  terminationPolicy: (z: Z) =>
    z
      .enum(TERMINATION_POLICIES, {
        description: 'What deleting the cluster does (spec.terminationPolicy)',
      })
      .optional(),
  owner: (z: Z) =>
    z
      .string({
        description: `Owning group's entity ref, kept as the ${OWNER_ANNOTATION} annotation`,
      })
      .optional(),
  component: (z: Z) =>
    z
      .string({
        description: `Entity ref of the component the database serves, kept as the ${COMPONENT_ANNOTATION} annotation`,
      })
      .optional(),
  manifest: (z: Z) =>
    z
      .record(z.unknown(), {
        description:
          'A whole manifest (or part of one); the fields above override it',
      })
      .optional(),
};

/** The manifest inputs as a handler receives them. */
export type ManifestFields = {
  name?: string;
  namespace?: string;
  engine?: string;
  version?: string;
  replicas?: number;
  resourceClass?: (typeof RESOURCE_CLASSES)[number];
  storageSize?: string;
  template?: string;
  profile?: string;
  databases?: string[];
  terminationPolicy?: (typeof TERMINATION_POLICIES)[number];
  owner?: string;
  component?: string;
  manifest?: Record<string, unknown>;
};

/** Merges the fields over the given manifest and validates the result. */
export function buildManifest(input: ManifestFields): ParsedEngineCluster {
  const base = (input.manifest ?? {}) as Record<string, any>;
  const defined = <T extends object>(fields: T) =>
    Object.fromEntries(
      Object.entries(fields).filter(([, v]) => v !== undefined),
    );

  return parseEngineCluster({
    apiVersion: ENGINE_CLUSTER_API_VERSION,
    kind: ENGINE_CLUSTER_KIND,
    ...base,
    metadata: {
      ...base.metadata,
      ...defined({ name: input.name, namespace: input.namespace }),
      annotations: {
        ...base.metadata?.annotations,
        ...defined({
          [OWNER_ANNOTATION]: input.owner,
          [COMPONENT_ANNOTATION]: input.component,
        }),
      },
    },
    spec: {
      ...base.spec,
      ...defined({
        engine: input.engine,
        version: input.version,
        replicas: input.replicas,
        template: input.template,
        profile: input.profile,
        databases: input.databases,
        terminationPolicy: input.terminationPolicy,
      }),
      ...(input.resourceClass && { resources: { class: input.resourceClass } }),
      ...(input.storageSize && {
        storage: { ...base.spec?.storage, size: input.storageSize },
      }),
    },
  });
}
