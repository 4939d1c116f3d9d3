import { z } from 'zod';
import { BACKUP_METHODS, BackupMethod } from '../backups/types';

/**
 * The manifest's `apiVersion` and `kind`.
 *
 * @public
 */
export const ENGINE_CLUSTER_API_VERSION = 'basalt.dev/v1alpha1';
/** @public */
export const ENGINE_CLUSTER_KIND = 'EngineCluster';

/**
 * What an engine id looks like: `postgresql`, `redis`, `mariadb`. Which
 * engines a backend runs is up to the driver modules installed in it;
 * admission refuses an engine that is not installed, naming those that are.
 *
 * @public
 */
export const ENGINE_ID_PATTERN = /^[a-z][a-z0-9-]{0,30}$/;
/** @public */
export const RESOURCE_CLASSES = ['s', 'm', 'l'] as const;
/** @public */
export const TERMINATION_POLICIES = [
  'DoNotTerminate',
  'BackupThenDelete',
  'Delete',
] as const;
/** @public */
export const ACCOUNT_ROLES = ['readwrite', 'readonly', 'admin'] as const;

/**
 * The backup policy of a manifest without `spec.backup`: no schedule, the
 * `default` repository, physical backups with continuous log archiving, and
 * a restore test of the final backup before a `BackupThenDelete` deletion.
 * Admission writes an engine's own defaults into the manifest where they
 * differ (an engine without point-in-time recovery archives no log).
 *
 * @public
 */
export const DEFAULT_BACKUP_POLICY = {
  repository: 'default',
  method: 'physical',
  logArchiving: true,
  restoreTest: true,
} as const satisfies Partial<NonNullable<EngineCluster['spec']['backup']>>;

/**
 * A cluster's backup policy with every default applied.
 *
 * @public
 */
export function backupPolicyOf(spec: EngineCluster['spec']): BackupPolicy {
  return {
    ...DEFAULT_BACKUP_POLICY,
    ...spec.backup,
    method: spec.backup?.method ?? DEFAULT_BACKUP_POLICY.method,
    logArchiving:
      spec.backup?.logArchiving ?? DEFAULT_BACKUP_POLICY.logArchiving,
  };
}

/** Most replicas one cluster may declare. */
export const MAX_REPLICAS = 9;

// Names become process, volume and Kubernetes object names: DNS-1123 labels,
// short enough to leave room for instance suffixes.
const dnsLabel = (what: string, max: number) =>
  z
    .string()
    .max(max, `must be at most ${max} characters`)
    .regex(
      /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/,
      `must be a ${what}: lower-case letters, digits and '-', starting and ending with a letter or digit`,
    );

const identifier = z
  .string()
  .regex(
    /^[a-z_][a-z0-9_]{0,62}$/,
    "must be lower-case letters, digits and '_', starting with a letter or '_', at most 63 characters",
  );

const quantity = (units: string[]) =>
  z
    .string()
    .regex(
      new RegExp(`^[1-9][0-9]*(${units.join('|')})$`),
      `must be a positive whole number with a unit (${units.join(
        ', ',
      )}), e.g. 20${units[units.length - 2]}`,
    );

const stringMap = z.record(z.string(), z.string());

const isoTime = z
  .string()
  .refine(
    value =>
      /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(
        value,
      ) && !Number.isNaN(Date.parse(value)),
    'must be a time in ISO 8601 with its zone, e.g. "2026-11-24T08:30:00Z"',
  );

/**
 * Zod schema of `spec.restore`: where a new cluster's data comes from.
 *
 * @public
 */
export const restoreSourceSchema = z.union(
  [
    z.strictObject({
      backup: z
        .string()
        .regex(
          /^[A-Za-z0-9][A-Za-z0-9-]{0,62}$/,
          'must be a backup id: letters, digits and dashes',
        ),
    }),
    z.strictObject({
      cluster: z
        .string()
        .regex(
          /^[a-z0-9]([-a-z0-9]*[a-z0-9])?\/[a-z0-9]([-a-z0-9]*[a-z0-9])?$/,
          'must be a cluster reference: namespace/name',
        ),
      time: isoTime.optional(),
    }),
  ],
  {
    error: () =>
      'must be { backup: <id> } or { cluster: <namespace/name>, time?: <ISO 8601 time> }',
  },
);

/**
 * Zod schema of the `EngineCluster` manifest's `metadata`.
 *
 * @public
 */
export const engineClusterMetadataSchema = z.object({
  name: dnsLabel('DNS label', 40),
  namespace: dnsLabel('DNS label', 63).default('default'),
  labels: stringMap.default({}),
  annotations: stringMap.default({}),
});

/**
 * Zod schema of the `EngineCluster` manifest's `spec`, with its defaults.
 *
 * @public
 */
export const engineClusterSpecSchema = z
  .object({
    engine: z
      .string()
      .regex(
        ENGINE_ID_PATTERN,
        'must be an engine id: lower-case letters, digits and "-", e.g. postgresql',
      ),
    version: z
      .string()
      .regex(
        /^[0-9]+(\.[0-9]+)*$/,
        'must be a version number such as "15" or "10.11"',
      )
      .optional(),
    template: dnsLabel('template name', 63).optional(),
    profile: dnsLabel('profile name', 63).optional(),
    replicas: z
      .number()
      .int('must be a whole number')
      .min(1, 'must be at least 1 (1 is a standalone instance)')
      .max(MAX_REPLICAS, `must be at most ${MAX_REPLICAS}`)
      .default(1),
    resources: z
      .strictObject({
        class: z.enum(RESOURCE_CLASSES).optional(),
        cpu: z
          .string()
          .regex(
            /^[0-9]+(\.[0-9]+|m)?$/,
            'must be cores ("2", "0.5") or millicores ("500m")',
          )
          .optional(),
        memory: quantity(['Mi', 'Gi']).optional(),
      })
      .default({ class: 's' }),
    storage: z
      .strictObject({
        size: quantity(['Mi', 'Gi', 'Ti']).default('1Gi'),
        throughput: quantity(['Ki', 'Mi', 'Gi']).optional(),
        pool: dnsLabel('pool name', 63).default('default'),
      })
      .default({ size: '1Gi', pool: 'default' }),
    ha: z
      .strictObject({
        failover: z.enum(['automatic', 'manual']).default('automatic'),
        replication: z.enum(['async', 'sync']).default('async'),
      })
      .default({ failover: 'automatic', replication: 'async' }),
    backup: z
      .strictObject({
        schedule: z
          .string()
          .regex(
            /^(\S+\s+){4}\S+$/,
            'must be a cron expression with five fields, e.g. "0 2 * * *"',
          )
          .optional(),
        retention: z
          .string()
          .regex(
            /^[1-9][0-9]*[hdw]$/,
            'must be a duration in hours, days or weeks, e.g. "7d"',
          )
          .optional(),
        repository: dnsLabel('repository name', 63).default('default'),
        method: z.enum(BACKUP_METHODS).optional(),
        logArchiving: z.boolean().optional(),
        // The former name of logArchiving, read for one more release.
        walArchiving: z.boolean().optional(),
        restoreTest: z.boolean().default(true),
      })
      .superRefine((backup, ctx) => {
        if (
          backup.walArchiving !== undefined &&
          backup.logArchiving !== undefined &&
          backup.walArchiving !== backup.logArchiving
        ) {
          ctx.addIssue({
            code: 'custom',
            path: ['walArchiving'],
            message:
              'is the former name of spec.backup.logArchiving, which says otherwise; give only logArchiving',
          });
        }
      })
      .transform(({ walArchiving, ...backup }) => {
        const logArchiving = backup.logArchiving ?? walArchiving;
        return {
          ...backup,
          ...(logArchiving !== undefined && { logArchiving }),
        };
      })
      .optional(),
    restore: restoreSourceSchema.optional(),
    databases: z.array(identifier).default([]),
    accounts: z
      .array(
        z.strictObject({
          name: identifier,
          databases: z.array(identifier).default([]),
          role: z.enum(ACCOUNT_ROLES).default('readwrite'),
        }),
      )
      .default([]),
    parameters: stringMap.default({}),
    terminationPolicy: z.enum(TERMINATION_POLICIES).default('BackupThenDelete'),
  })
  .strict()
  .superRefine((spec, ctx) => {
    if (spec.ha.replication === 'sync' && spec.replicas < 2) {
      ctx.addIssue({
        code: 'custom',
        path: ['ha', 'replication'],
        message: `sync needs at least 2 replicas (spec.replicas is ${spec.replicas})`,
      });
    }
    if (spec.resources.class && (spec.resources.cpu || spec.resources.memory)) {
      ctx.addIssue({
        code: 'custom',
        path: ['resources'],
        message: 'give either a class or explicit cpu/memory, not both',
      });
    }
    spec.accounts.forEach((account, index) =>
      account.databases.forEach(database => {
        if (!spec.databases.includes(database)) {
          ctx.addIssue({
            code: 'custom',
            path: ['accounts', index, 'databases'],
            message: `names database '${database}', which is not in spec.databases (${
              spec.databases.join(', ') || 'empty'
            })`,
          });
        }
      }),
    );
  });

/**
 * Zod schema of the whole `EngineCluster` manifest as written by people.
 * `status` is the controller's and is ignored on input.
 *
 * @public
 */
export const engineClusterSchema = z.object({
  apiVersion: z.literal(ENGINE_CLUSTER_API_VERSION),
  kind: z.literal(ENGINE_CLUSTER_KIND),
  metadata: engineClusterMetadataSchema,
  spec: engineClusterSpecSchema,
});

/**
 * An `EngineCluster` manifest as parsed, with the schema's defaults applied:
 * the engine's own defaults (its version) are not known yet.
 *
 * @public
 */
export type ParsedEngineCluster = z.output<typeof engineClusterSchema>;

/**
 * An `EngineCluster` manifest as admitted and stored, with every default
 * applied, the engine's own included.
 *
 * @public
 */
export type EngineCluster = Omit<ParsedEngineCluster, 'spec'> & {
  spec: ParsedEngineCluster['spec'] & { version: string };
};

/**
 * A cluster's backup policy with every default applied.
 *
 * @public
 */
export type BackupPolicy = NonNullable<EngineCluster['spec']['backup']> & {
  method: BackupMethod;
  logArchiving: boolean;
};

/**
 * An `EngineCluster` manifest as written: defaulted fields may be left out.
 *
 * @public
 */
export type EngineClusterInput = z.input<typeof engineClusterSchema>;
