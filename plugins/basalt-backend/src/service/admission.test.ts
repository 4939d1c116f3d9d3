import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { execFileSync } from 'child_process';
import { chmodSync, mkdtempSync, readdirSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import request from 'supertest';
import { basaltPlugin } from '../plugin';
import { basaltModuleEnginePostgresql } from '../engines/postgresql';

jest.setTimeout(60_000);

// This file's own ports: test files run in parallel.
const PORTS = { from: 32700, to: 32749 };

const manifest = (name: string, spec: object) => ({
  apiVersion: 'basalt.dev/v1alpha1',
  kind: 'EngineCluster',
  metadata: { name, namespace: 'payments' },
  spec: { engine: 'postgresql', replicas: 2, ...spec },
});

/**
 * What a signed-in user must not be able to do through a manifest, each
 * with the field the answer names: run a command, load a library, write
 * outside the engine's directories, turn off what production relies on,
 * smuggle a second setting in through a value, or take Basalt's account.
 */
const BREACHES: [string, object, string][] = [
  [
    'cleanup-cmd',
    {
      parameters: {
        archive_cleanup_command: 'touch /tmp/x',
        checkpoint_timeout: '30s',
      },
    },
    'spec.parameters.archive_cleanup_command: runs a command on the host; no manifest may set it',
  ],
  [
    'passphrase-cmd',
    { parameters: { ssl_passphrase_command: 'touch /tmp/x' } },
    'spec.parameters.ssl_passphrase_command: runs a command on the host; no manifest may set it',
  ],
  [
    'preload',
    { parameters: { shared_preload_libraries: 'auto_explain' } },
    'spec.parameters.shared_preload_libraries: loads a library into the server; no manifest may set it',
  ],
  [
    'no-fsync',
    { profile: 'sg-prod', parameters: { fsync: 'off' } },
    "spec.parameters.fsync: profile sg-prod does not allow 'off' (forbidden: off)",
  ],
  [
    'log-dir',
    { parameters: { log_directory: '/tmp' } },
    'spec.parameters.log_directory: names a file or directory on the host; no manifest may set it',
  ],
  [
    'archive-cmd',
    { parameters: { archive_command: 'true' } },
    'spec.parameters.archive_command: runs a command on the host; no manifest may set it',
  ],
  [
    'newline',
    { parameters: { work_mem: "4MB'\narchive_command = 'touch /tmp/x" } },
    'spec.parameters.work_mem: must be a whole number from 64 to 2147483647 kB',
  ],
  [
    'own-account',
    { accounts: [{ name: 'basalt' }] },
    "spec.accounts.0.name: 'basalt' is reserved by postgresql or Basalt",
  ],
];

describe('admission of the security baseline', () => {
  let rootDir: string;
  beforeAll(() => {
    rootDir = mkdtempSync(join(tmpdir(), 'basalt-admission-'));
    chmodSync(rootDir, 0o755); // the engine user must be able to reach it
  });
  afterAll(() => rmSync(rootDir, { recursive: true, force: true }));

  it('refuses every breach with a 400 naming the field, storing, recording and starting nothing', async () => {
    const { server } = await startTestBackend({
      features: [
        basaltPlugin,
        basaltModuleEnginePostgresql,
        mockServices.rootConfig.factory({
          data: {
            basalt: {
              runtimes: { local: { rootDir, ports: PORTS } },
              profiles: {
                'sg-prod': {
                  engines: { postgresql: ['15'] },
                  parameters: {
                    postgresql: { forbiddenValues: { fsync: ['off'] } },
                  },
                },
              },
            },
          },
        }),
      ],
    });

    for (const [name, spec, message] of BREACHES) {
      const response = await request(server)
        .post('/api/basalt/clusters')
        .send(manifest(name, spec));
      expect({ name, status: response.status }).toEqual({ name, status: 400 });
      expect(response.body.error.message).toContain(message);

      const ref = `/api/basalt/clusters/payments/${name}`;
      expect((await request(server).get(ref)).status).toBe(404);
      expect((await request(server).get(`${ref}/events`)).status).toBe(404);
    }
    const { body } = await request(server).get('/api/basalt/clusters');
    expect(body.items).toEqual([]);
    // No instance directory on any node, and no engine process of ours.
    for (const node of readdirSync(join(rootDir, 'nodes'))) {
      expect(readdirSync(join(rootDir, 'nodes', node))).toEqual([]);
    }
    const processes = execFileSync('ps', ['-eo', 'args']).toString();
    expect(
      processes.split('\n').filter(line => line.includes(rootDir)),
    ).toEqual([]);
  });
});
