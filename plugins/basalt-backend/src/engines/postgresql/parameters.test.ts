import {
  applyOfferings,
  EngineOffering,
  integerInBaseUnit,
  ParameterDefinition,
} from '@basalt/plugin-basalt-common';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { engineIds, POSTGRES_BIN } from '../../__testUtils__/processes';
import { startTestPostgres } from '../../__testUtils__/startTestPostgres';
import { testManifest } from '../../__testUtils__/manifests';
import { POSTGRES_CAPABILITIES } from './capabilities';
import { renderPostgresqlConf } from './configuration';
import {
  POSTGRES_PARAMETERS,
  POSTGRES_REFUSED_PARAMETERS,
  POSTGRES_RESERVED_NAMES,
} from './parameters';

const offering: EngineOffering = {
  engine: 'postgresql',
  versions: ['15'],
  defaultVersion: '15',
  capabilities: POSTGRES_CAPABILITIES,
  parameters: POSTGRES_PARAMETERS,
  refusedParameters: POSTGRES_REFUSED_PARAMETERS,
  reservedNames: POSTGRES_RESERVED_NAMES,
};
const offerings = {
  engines: [offering],
  engineTemplates: [],
  profiles: [],
  resourceClasses: [],
};

interface PgSetting {
  name: string;
  context: string;
  vartype: string;
  unit: string;
  min: string;
  max: string;
  enumvals: string[];
}

/** One initdb'ed data directory, read by `postgres -C`: no server runs. */
let dir: string;
let dataDir: string;
let settings: Map<string, PgSetting>;
const ids = engineIds();

const asEngineUser = (program: string, args: string[]) =>
  execFileSync(path.join(POSTGRES_BIN, program), args, {
    ...ids,
    stdio: 'pipe',
    env: { ...process.env, LC_ALL: 'C' },
  }).toString();

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'basalt-parameters-'));
  fs.chmodSync(dir, 0o755);
  if (ids) fs.chownSync(dir, ids.uid, ids.gid);
  dataDir = path.join(dir, 'data');
  asEngineUser('initdb', ['-D', dataDir, '--no-sync', '-U', 'postgres']);
  // What the server itself says of each setting.
  const server = await startTestPostgres();
  try {
    const client = new Client(server.connection);
    await client.connect();
    const { rows } = await client.query<PgSetting>(
      `select name, context, vartype, coalesce(unit, '') as unit,
              coalesce(min_val, '') as min, coalesce(max_val, '') as max,
              coalesce(enumvals, '{}') as enumvals
         from pg_settings`,
    );
    await client.end();
    settings = new Map(rows.map(row => [row.name, row]));
  } finally {
    await server.stop();
  }
}, 60_000);

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('PostgreSQL parameter definitions', () => {
  it('agree with the server on name, type, unit, context and range', () => {
    const mismatches = POSTGRES_PARAMETERS.flatMap(definition => {
      const actual = settings.get(definition.name);
      if (!actual) return [`${definition.name}: not a PostgreSQL 15 setting`];
      const problems: string[] = [];
      const apply = actual.context === 'postmaster' ? 'restart' : 'reload';
      if (definition.apply !== apply) problems.push(`apply ${apply}`);
      if (definition.type !== actual.vartype) {
        problems.push(`type ${actual.vartype}`);
      }
      if (definition.type === 'integer' || definition.type === 'real') {
        const unit =
          definition.type === 'integer' ? definition.baseUnit ?? '' : '';
        if (definition.type === 'integer' && unit !== actual.unit) {
          problems.push(`unit '${actual.unit}'`);
        }
        if (
          definition.min < Number(actual.min) ||
          definition.max > Number(actual.max)
        ) {
          problems.push(`range ${actual.min}..${actual.max}`);
        }
      }
      if (definition.type === 'enum') {
        const unknown = definition.values.filter(
          v => !actual.enumvals.includes(v),
        );
        if (unknown.length)
          problems.push(`unknown values ${unknown.join(', ')}`);
      }
      return problems.map(p => `${definition.name}: ${p}`);
    });
    expect(mismatches).toEqual([]);
  });

  it('declare nothing a refusal rule names', () => {
    const refused = POSTGRES_PARAMETERS.filter(d =>
      POSTGRES_REFUSED_PARAMETERS.some(
        rule =>
          rule.names?.includes(d.name) ||
          (rule.pattern && new RegExp(rule.pattern).test(d.name)),
      ),
    );
    expect(refused.map(d => d.name)).toEqual([]);
  });

  it('refuse every setting that runs a command, loads a library or names a path', () => {
    const dangerous = [...settings.keys()].filter(name =>
      /(command|librar|_file$|_directory|directories|destdir|_path$)/.test(
        name,
      ),
    );
    const admitted = dangerous.filter(name =>
      POSTGRES_PARAMETERS.some(d => d.name === name),
    );
    expect(dangerous.length).toBeGreaterThan(15);
    expect(admitted).toEqual([]);
  });

  it('admit only values the server reads back exactly (seeded random)', () => {
    const random = seeded(20261206);
    const samples = Array.from({ length: 600 }, () => sample(random));
    let accepted = 0;
    // Distinct names per batch, so each rendered file sets each name once.
    for (const batch of batches(samples)) {
      const parameters = Object.fromEntries(batch);
      let admitted: Record<string, string>;
      try {
        admitted = admit(parameters);
      } catch {
        // Refused as a whole: each sample on its own tells which.
        admitted = Object.fromEntries(
          batch.flatMap(([name, value]) => {
            try {
              return Object.entries(admit({ [name]: value }));
            } catch {
              return [];
            }
          }),
        );
      }
      writeConf(admitted);
      for (const [name, value] of Object.entries(admitted)) {
        const definition = POSTGRES_PARAMETERS.find(d => d.name === name)!;
        const read = asEngineUser('postgres', [
          '-D',
          dataDir,
          '-C',
          name,
        ]).trim();
        expect({
          name,
          value: same(definition, value, read) ? value : read,
        }).toEqual({
          name,
          value,
        });
        accepted += 1;
      }
    }
    // Enough of the samples were valid for the check to mean something.
    expect(accepted).toBeGreaterThan(150);
  }, 120_000);
});

function admit(parameters: Record<string, string>): Record<string, string> {
  const cluster = testManifest({
    apiVersion: 'basalt.dev/v1alpha1',
    kind: 'EngineCluster',
    metadata: { name: 'p' },
    spec: { engine: 'postgresql', parameters },
  });
  return applyOfferings(cluster, offerings).spec.parameters;
}

function writeConf(parameters: Record<string, string>) {
  const base = testManifest({
    apiVersion: 'basalt.dev/v1alpha1',
    kind: 'EngineCluster',
    metadata: { name: 'p' },
    spec: { engine: 'postgresql', parameters },
  });
  const conf = renderPostgresqlConf({
    dataDir,
    address: { host: '127.0.0.1', port: 5999 },
    spec: base.spec,
    replicationUser: 'basalt_replication',
  });
  const file = path.join(dataDir, 'postgresql.conf');
  fs.writeFileSync(file, conf);
  if (ids) fs.chownSync(file, ids.uid, ids.gid);
}

/** Whether the server's reading of a setting is the admitted value. */
function same(definition: ParameterDefinition, admitted: string, read: string) {
  switch (definition.type) {
    case 'integer':
      return (
        integerInBaseUnit(definition, admitted) ===
        integerInBaseUnit(definition, read)
      );
    case 'real':
      // The server shows reals with six significant digits (%g).
      return (
        Math.abs(Number(admitted) - Number(read)) <=
        Math.abs(Number(admitted)) * 1e-5
      );
    default:
      return admitted === read;
  }
}

type Random = () => number;

/** A small deterministic generator (mulberry32), so a failure repeats. */
function seeded(seed: number): Random {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(random: Random, items: readonly T[]): T =>
  items[Math.floor(random() * items.length)];

const NASTY = [
  "'",
  '"',
  '\\',
  '\n',
  '\r',
  '\t',
  '\u0000',
  '\u007f',
  '#',
  ' ',
  '=',
  ';',
  '$',
  '`',
  'é',
  '${x}',
];
const UNITS = [
  '',
  '',
  'B',
  'kB',
  'MB',
  'GB',
  'us',
  'ms',
  's',
  'min',
  'h',
  'd',
  ' kB',
  'mb',
  'K',
];

/** A name (mostly declared ones) with a value that is often nearly valid. */
function sample(random: Random): [string, string] {
  const definition = pick(random, POSTGRES_PARAMETERS);
  const name =
    random() < 0.9
      ? definition.name
      : pick(random, [
          'archive_command',
          'log_directory',
          'Work_Mem',
          'x.y',
          'work mem',
        ]);
  return [name, valueFor(random, definition)];
}

function valueFor(random: Random, definition: ParameterDefinition): string {
  const noise = () => (random() < 0.15 ? pick(random, NASTY) : '');
  const around = (min: number, max: number) =>
    pick(random, [
      min,
      max,
      min - 1,
      max + 1,
      Math.floor(min + random() * Math.min(max - min, 100_000)),
    ]);
  switch (definition.type) {
    case 'integer':
      return `${noise()}${around(definition.min, definition.max)}${
        random() < 0.3 ? pick(random, UNITS) : ''
      }${noise()}`;
    case 'real':
      return `${noise()}${(
        around(definition.min, definition.max) + pick(random, [0, 0.5, 0.25])
      ).toString()}${noise()}`;
    case 'bool':
      return `${noise()}${pick(random, [
        'on',
        'off',
        'true',
        'false',
        'ON',
        'yes',
        '1',
        '',
      ])}${noise()}`;
    case 'enum':
      return `${noise()}${pick(random, [
        ...definition.values,
        'bogus',
        '',
      ])}${noise()}`;
    case 'string':
    default:
      return Array.from({ length: Math.floor(random() * 12) }, () =>
        random() < 0.2
          ? pick(random, NASTY)
          : pick(random, [...'abcXYZ019_.-']),
      ).join('');
  }
}

function* batches(samples: [string, string][]): Generator<[string, string][]> {
  let batch: [string, string][] = [];
  for (const item of samples) {
    if (batch.some(([name]) => name === item[0]) || batch.length === 20) {
      yield batch;
      batch = [];
    }
    batch.push(item);
  }
  if (batch.length) yield batch;
}
