import { ConflictError, NotFoundError } from '@backstage/errors';
import { testManifest } from '../__testUtils__/manifests';
import {
  STORE_DATABASES,
  useStoreDatabases,
} from '../__testUtils__/testDatabases';
import { ClusterStore } from './ClusterStore';
import { EventStore } from './EventStore';

const manifest = (spec: object = {}, metadata: object = {}) =>
  testManifest({
    apiVersion: 'basalt.dev/v1alpha1',
    kind: 'EngineCluster',
    metadata: { name: 'payments-db', namespace: 'payments', ...metadata },
    spec: { engine: 'postgresql', ...spec },
  });

const actor = {
  owner: 'group:default/payments-team',
  userRef: 'user:default/guest',
};

describe.each(STORE_DATABASES)('ClusterStore on %s', kind => {
  const databases = useStoreDatabases();
  let store: ClusterStore;

  beforeEach(async () => {
    store = new ClusterStore(await databases.connect(kind));
  });

  it('creates a cluster at generation 1 and reads it back', async () => {
    const result = await store.apply(manifest({ replicas: 3 }), actor);

    expect(result).toMatchObject({ created: true, specChanged: true });
    const cluster = await store.get('payments', 'payments-db');
    expect(cluster.metadata).toMatchObject({
      name: 'payments-db',
      namespace: 'payments',
      generation: 1,
      uid: result.cluster.metadata.uid,
    });
    expect(cluster.spec.replicas).toBe(3);
    expect(cluster.status).toBeUndefined();
  });

  it('is idempotent: the same manifest again changes nothing', async () => {
    const first = await store.apply(manifest(), actor);
    const second = await store.apply(manifest(), actor);

    expect(second).toMatchObject({ created: false, specChanged: false });
    expect(second.cluster).toEqual(first.cluster);
  });

  it('bumps generation when the spec changes, not when only labels do', async () => {
    await store.apply(manifest(), actor);
    const scaled = await store.apply(manifest({ replicas: 2 }), actor);
    const labelled = await store.apply(
      manifest({ replicas: 2 }, { labels: { tier: 'gold' } }),
      actor,
    );

    expect(scaled.cluster.metadata.generation).toBe(2);
    expect(labelled).toMatchObject({ specChanged: false });
    expect(labelled.cluster.metadata.generation).toBe(2);
    expect(labelled.cluster.metadata.labels).toEqual({ tier: 'gold' });
  });

  it('creates exactly one cluster when two applies race', async () => {
    const results = await Promise.all(
      Array.from({ length: 5 }, () => store.apply(manifest(), actor)),
    );

    expect(results.filter(r => r.created)).toHaveLength(1);
    expect(new Set(results.map(r => r.cluster.metadata.uid)).size).toBe(1);
    expect(await store.list()).toHaveLength(1);
  });

  it('lists by namespace, owner and label', async () => {
    await store.apply(manifest({}, { labels: { env: 'prod' } }), actor);
    await store.apply(
      manifest({}, { name: 'orders-db', namespace: 'orders' }),
      {
        ...actor,
        owner: 'group:default/orders-team',
      },
    );

    const names = (clusters: { metadata: { name: string } }[]) =>
      clusters.map(c => c.metadata.name);
    expect(names(await store.list())).toEqual(['orders-db', 'payments-db']);
    expect(names(await store.list({ namespace: 'orders' }))).toEqual([
      'orders-db',
    ]);
    expect(names(await store.list({ owner: actor.owner }))).toEqual([
      'payments-db',
    ]);
    expect(names(await store.list({ labels: { env: 'prod' } }))).toEqual([
      'payments-db',
    ]);
    expect(await store.list({ labels: { env: 'dev' } })).toEqual([]);
  });

  it('writes status only when it changed', async () => {
    const { cluster } = await store.apply(manifest(), actor);
    const status = {
      observedGeneration: 1,
      phase: 'Creating' as const,
      conditions: [],
      instances: [],
      endpoints: {},
    };

    expect(await store.updateStatus(cluster.metadata.uid, status)).toBe(true);
    expect(await store.updateStatus(cluster.metadata.uid, { ...status })).toBe(
      false,
    );
    expect((await store.get('payments', 'payments-db')).status).toEqual(status);
  });

  it('refuses applies while a cluster is being deleted, then forgets it', async () => {
    const { cluster } = await store.apply(manifest(), actor);
    await store.markForDeletion(cluster.metadata.uid);

    await expect(store.apply(manifest(), actor)).rejects.toThrow(ConflictError);
    expect(
      (await store.get('payments', 'payments-db')).metadata.deletionTimestamp,
    ).toEqual(expect.any(String));

    await store.remove(cluster.metadata.uid);
    await expect(store.get('payments', 'payments-db')).rejects.toThrow(
      NotFoundError,
    );
  });

  it('records restart requests for the controller, refusing them while deleting', async () => {
    const { cluster } = await store.apply(manifest(), actor);
    const uid = cluster.metadata.uid;
    expect(await store.findByUid(uid)).toEqual({ cluster, lifecycle: {} });

    const at = '2026-11-24T10:00:00.000Z';
    await store.requestRestart('payments', 'payments-db', at);
    expect(await store.findByUid(uid)).toEqual({
      cluster,
      restartRequestedAt: at,
      lifecycle: {},
    });
    // Not part of the spec: no new generation.
    expect(
      (await store.get('payments', 'payments-db')).metadata.generation,
    ).toBe(1);

    await expect(store.requestRestart('payments', 'nope', at)).rejects.toThrow(
      NotFoundError,
    );
    await store.markForDeletion(uid);
    await expect(
      store.requestRestart('payments', 'payments-db', at),
    ).rejects.toThrow(
      'EngineCluster payments/payments-db is being deleted; it cannot be restarted',
    );
  });

  it('gives the manifest as applied, and applies only over the generation read', async () => {
    await store.apply(
      manifest({ replicas: 2 }, { annotations: { team: 'payments' } }),
      actor,
    );
    const applied = await store.getApplied('payments', 'payments-db');
    expect(applied).toEqual({
      manifest: manifest(
        { replicas: 2 },
        { annotations: { team: 'payments' } },
      ),
      owner: actor.owner,
      generation: 1,
    });

    const scaled = {
      ...applied.manifest,
      spec: { ...applied.manifest.spec, replicas: 3 },
    };
    const result = await store.apply(scaled, actor, { expectedGeneration: 1 });
    expect(result.cluster.metadata.generation).toBe(2);
    expect(result.cluster.metadata.annotations).toEqual({
      team: 'payments',
      'basalt.dev/owner': actor.owner,
    });
    await expect(
      store.apply(applied.manifest, actor, { expectedGeneration: 1 }),
    ).rejects.toThrow(
      'EngineCluster payments/payments-db was changed meanwhile (generation 2, not 1); try again',
    );
    await expect(store.getApplied('payments', 'nope')).rejects.toThrow(
      NotFoundError,
    );
  });

  it('keeps events newest first, apart from an earlier cluster of the same name', async () => {
    const knex = await databases.connect(kind);
    const events = new EventStore(knex);
    const record = (clusterUid: string, reason: string) =>
      events.record({
        clusterUid,
        cluster: 'payments/payments-db',
        type: 'Normal',
        reason,
        message: `${reason} it`,
      });
    for (const reason of ['Created', 'Scaled', 'Deleted']) {
      await record('u1', reason);
    }
    await record('u2', 'Created');

    const ref = 'payments/payments-db';
    const first = await events.list({ ref, uid: 'u1' }, { limit: 2 });
    expect(first.map(e => e.reason)).toEqual(['Deleted', 'Scaled']);
    const second = await events.list({ ref, uid: 'u2' }, { limit: 10 });
    expect(second.map(e => e.reason)).toEqual(['Created']);
  });
});
