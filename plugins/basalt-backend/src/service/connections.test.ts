import { mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import { MemoryBackend, startMemoryBackend } from '../__testUtils__/memory';
import { clientOf, untilReady } from '../__testUtils__/testBackend';
import { eventually } from '../testUtils/eventually';

jest.setTimeout(30_000);

/*
 * How developers connect: settings for readers of a cluster, a password
 * per account for those allowed to reveal it, each reveal an event. On the
 * in-memory engine, whose passwords are `password-of-<account>`.
 */
describe('connecting to a cluster', () => {
  /** Whether the caller may reveal passwords. */
  let mayReveal = true;
  /** Whether the caller may update the cluster, e.g. rotate a password. */
  let mayUpdate = true;
  let memory: MemoryBackend;
  let server: MemoryBackend['backend']['server'];
  const cluster = '/api/basalt/clusters/payments/ledger';

  beforeAll(async () => {
    const permissions = mockServices.permissions.mock({
      // Creating a cluster also asks whether its owner could operate it.
      authorizeConditional: async requests =>
        requests.map(() => ({ result: AuthorizeResult.ALLOW })),
      authorize: async requests =>
        requests.map(r => ({
          result:
            (r.permission.name !== 'basalt.cluster.credentials.read' ||
              mayReveal) &&
            (r.permission.name !== 'basalt.cluster.update' || mayUpdate)
              ? AuthorizeResult.ALLOW
              : AuthorizeResult.DENY,
        })),
    });
    memory = await startMemoryBackend({
      nodes: ['node-a', 'node-b'],
      features: [permissions.factory],
    });
    server = memory.backend.server;
    const client = clientOf(server);
    await client.applyCluster({
      apiVersion: 'basalt.dev/v1alpha1',
      kind: 'EngineCluster',
      metadata: { namespace: 'payments', name: 'ledger' },
      spec: {
        engine: 'memory',
        replicas: 2,
        terminationPolicy: 'Delete',
        databases: ['ledger', 'audit'],
        accounts: [
          { name: 'app', databases: ['ledger'] },
          { name: 'auditor', databases: ['audit'], role: 'readonly' },
        ],
      },
    });
    await untilReady(client, { namespace: 'payments', name: 'ledger' }, 2);
  });

  afterAll(() => memory?.stop());

  it("gives each account's settings at each endpoint, and no password", async () => {
    const response = await request(server).get(`${cluster}/connections`);

    expect(response.status).toBe(200);
    const [app, auditor] = response.body.accounts;
    expect(app).toMatchObject({
      account: 'app',
      role: 'readwrite',
      database: 'ledger',
      readWrite: { url: expect.stringMatching(/^memory:\/\/app@.+\/ledger$/) },
      readOnly: { url: expect.stringMatching(/^memory:\/\/app@.+\/ledger$/) },
    });
    expect(app.readWrite.url).not.toBe(app.readOnly.url);
    expect(auditor).toMatchObject({ account: 'auditor', database: 'audit' });
    expect(JSON.stringify(response.body)).not.toContain('password-of');
  });

  it('reveals a password to those allowed, uncached, and records who saw it', async () => {
    mayReveal = true;
    const response = await request(server).post(
      `${cluster}/accounts/app/password`,
    );

    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      account: 'app',
      password: 'password-of-app',
    });
    expect(response.headers['cache-control']).toBe('no-store');
    const events = await request(server).get(`${cluster}/events`);
    expect(events.body.items[0]).toMatchObject({
      reason: 'PasswordRevealed',
      message: 'The password of account app was revealed to user:default/mock',
    });
  });

  it('refuses those without basalt.cluster.credentials.read, who still see the settings', async () => {
    mayReveal = false;
    const refused = await request(server).post(
      `${cluster}/accounts/app/password`,
    );

    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toBe(
      'Not allowed: basalt.cluster.credentials.read on EngineCluster payments/ledger',
    );
    expect((await request(server).get(`${cluster}/connections`)).status).toBe(
      200,
    );
  });

  it('says which accounts there are when asked for another', async () => {
    mayReveal = true;
    const response = await request(server).post(
      `${cluster}/accounts/root/password`,
    );

    expect(response.status).toBe(404);
    expect(response.body.error.message).toBe(
      "EngineCluster payments/ledger has no account 'root'; its accounts: app, auditor",
    );
  });

  it('rotates a password: a new one at once, set in the engine, on record', async () => {
    mayReveal = true;
    const rotated = await request(server).post(
      `${cluster}/accounts/app/password/rotate`,
    );

    expect(rotated.status).toBe(202);
    expect(rotated.body).toEqual({
      account: 'app',
      rotatedAt: expect.any(String),
    });
    const revealed = await request(server).post(
      `${cluster}/accounts/app/password`,
    );
    expect(revealed.body.password).toBe('password-of-app-1');
    await eventually(async () =>
      memory.world.changes.includes('set the password of account app')
        ? true
        : undefined,
    );
    const events = await request(server).get(`${cluster}/events`);
    expect(events.body.items.map((e: any) => e.reason)).toEqual(
      expect.arrayContaining(['PasswordRotated', 'DatabaseChanged']),
    );
    expect(
      events.body.items.find((e: any) => e.reason === 'PasswordRotated')
        .message,
    ).toBe(
      'The password of account app was rotated by user:default/mock; clients must use the new one once it is set',
    );
  });

  it('rotates only for those who may update the cluster, and known accounts', async () => {
    mayUpdate = false;
    const refused = await request(server).post(
      `${cluster}/accounts/app/password/rotate`,
    );
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toBe(
      'Not allowed: basalt.cluster.update on EngineCluster payments/ledger',
    );

    mayUpdate = true;
    const unknown = await request(server).post(
      `${cluster}/accounts/root/password/rotate`,
    );
    expect(unknown.status).toBe(404);
  });
});
