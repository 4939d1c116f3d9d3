import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import { PlacementEngine } from './placement';
import { PlacementRefusedError } from './refusal';
import { NodePool, PlacementRequest } from './types';

const Gi = 2 ** 30;
const Mi = 2 ** 20;

function pool(node: string, overrides: Partial<NodePool> = {}): NodePool {
  return {
    node,
    pool: 'default',
    path: `/pools/${node}`,
    capacityBytes: 100 * Gi,
    throughputBytesPerSec: 100 * Mi,
    iops: 10_000,
    maxVolumes: 64,
    overAllocation: { capacity: 2.0, throughput: 1.5 },
    ...overrides,
  };
}

function request(
  cluster: string,
  overrides: Partial<PlacementRequest> = {},
): PlacementRequest {
  return {
    cluster,
    pool: 'default',
    count: 1,
    sizeBytes: 20 * Gi,
    throughputBytesPerSec: 0,
    ...overrides,
  };
}

function refusal(engine: PlacementEngine, req: PlacementRequest) {
  try {
    engine.place(req);
  } catch (error) {
    expect(error).toBeInstanceOf(PlacementRefusedError);
    return error as PlacementRefusedError;
  }
  throw new Error(`${req.cluster} was placed`);
}

describe('PlacementEngine', () => {
  it('fits volumes totalling the capacity over-allocation and refuses the next, saying why', () => {
    const engine = PlacementEngine.create({ pools: [pool('node-a')] });
    for (let i = 0; i < 10; i++) engine.place(request(`team/db${i}`));
    expect(engine.usage()[0].allocatedBytes).toBe(200 * Gi);
    expect(refusal(engine, request('team/db10')).message).toBe(
      'no node has 20Gi allocatable in pool default for team/db10-0: node-a 0 free of 100Gi at ratio 2.0',
    );
  });

  it('honours throughput budgets with over-allocation', () => {
    const engine = PlacementEngine.create({ pools: [pool('node-a')] });
    const fast = (cluster: string) =>
      request(cluster, { sizeBytes: Gi, throughputBytesPerSec: 50 * Mi });
    ['a/x', 'b/x', 'c/x'].forEach(c => engine.place(fast(c)));
    const error = refusal(engine, fast('d/x'));
    expect(error.message).toBe(
      'no node has 1Gi and 50Mi/s allocatable in pool default for d/x-0: node-a 0/s throughput free of 100Mi/s at ratio 1.5',
    );
    expect(error.refusals).toEqual([
      { node: 'node-a', reason: 'throughput', detail: expect.any(String) },
    ]);
  });

  it('honours maxVolumes', () => {
    const engine = PlacementEngine.create({
      pools: [pool('node-a', { maxVolumes: 2 })],
    });
    engine.place(request('a/x', { sizeBytes: Gi }));
    engine.place(request('b/x', { sizeBytes: Gi }));
    expect(refusal(engine, request('c/x')).message).toBe(
      'no node has 20Gi allocatable in pool default for c/x-0: node-a at its 2-volume limit',
    );
  });

  it('puts replicas on distinct nodes and refuses when fewer nodes can take one', () => {
    const engine = PlacementEngine.create({
      pools: ['node-a', 'node-b', 'node-c'].map(n => pool(n)),
    });
    const placed = engine.place(request('payments/orders-db', { count: 2 }));
    expect(placed.volumes.map(v => [v.volume, v.node])).toEqual([
      ['payments/orders-db-0', 'node-a'],
      ['payments/orders-db-1', 'node-b'],
    ]);
    const scaled = engine.place(request('payments/orders-db'));
    expect(scaled.volumes.map(v => [v.volume, v.node])).toEqual([
      ['payments/orders-db-2', 'node-c'],
    ]);
    const before = engine.usage();
    expect(refusal(engine, request('payments/orders-db')).message).toBe(
      'no node has 20Gi allocatable in pool default for payments/orders-db-3: node-a already holds a volume of payments/orders-db, node-b already holds a volume of payments/orders-db, node-c already holds a volume of payments/orders-db',
    );
    expect(refusal(engine, request('shop/cart', { count: 4 })).message).toBe(
      'only 3 nodes have 20Gi allocatable in pool default for shop/cart, which needs 4 (one node per replica): node-a, node-b, node-c could take one',
    );
    expect(engine.usage()).toEqual(before);
  });

  it('gives a reason per kind of node', () => {
    const engine = PlacementEngine.create({
      pools: [
        pool('node-a', { capacityBytes: 200 * Gi }),
        pool('node-b'),
        pool('node-c', { maxVolumes: 1 }),
      ],
      allocations: [
        { ...volume('filler/a-0', 'node-a'), sizeBytes: 395 * Gi },
        volume('payments/orders-db-0', 'node-b'),
        volume('filler/c-0', 'node-c'),
      ],
    });
    const error = refusal(engine, request('payments/orders-db'));
    expect(error.message).toBe(
      'no node has 20Gi allocatable in pool default for payments/orders-db-1: node-a 5Gi free of 200Gi at ratio 2.0, node-b already holds a volume of payments/orders-db, node-c at its 1-volume limit',
    );
    expect(error.refusals.map(r => r.reason)).toEqual([
      'capacity',
      'anti-affinity',
      'volume-limit',
    ]);
  });

  it('summarises a refusal over many nodes: the closest few and counts', () => {
    const nodes = Array.from({ length: 20 }, (_, i) =>
      pool(`node-${String(i).padStart(2, '0')}`, {
        capacityBytes: (i + 1) * Gi,
        maxVolumes: i === 0 ? 1 : 64,
      }),
    );
    const engine = PlacementEngine.create({
      pools: nodes,
      allocations: [volume('a/b-0', 'node-00', Gi)],
    });
    expect(
      refusal(engine, request('x/y', { sizeBytes: 100 * Gi })).message,
    ).toBe(
      'no node has 100Gi allocatable in pool default for x/y-0: node-19 40Gi free of 20Gi at ratio 2.0, node-18 38Gi free of 19Gi at ratio 2.0, node-17 36Gi free of 18Gi at ratio 2.0, node-16 34Gi free of 17Gi at ratio 2.0, node-15 32Gi free of 16Gi at ratio 2.0; of 20 nodes refusing: 19 short of capacity, 1 at their volume limit',
    );
  });

  it('refuses a pool configured nowhere', () => {
    const engine = PlacementEngine.create({ pools: [pool('node-a')] });
    expect(refusal(engine, request('a/b', { pool: 'gold' })).message).toBe(
      'pool gold is not configured on any node, so a/b cannot have volumes there; configured pools: default',
    );
  });

  it('spreads by headroom share, ties by node name', () => {
    const engine = PlacementEngine.create({
      pools: [pool('node-b', { capacityBytes: 1000 * Gi }), pool('node-a')],
    });
    const nodes = ['a', 'b', 'c', 'd'].map(
      c =>
        engine.place(request(`t/${c}`, { sizeBytes: 10 * Gi })).volumes[0].node,
    );
    expect(nodes).toEqual(['node-a', 'node-b', 'node-b', 'node-b']);
  });

  it('is deterministic, also when the roomy nodes are deep in the heap', () => {
    const run = () => {
      const engine = PlacementEngine.create({
        pools: Array.from({ length: 200 }, (_, i) =>
          pool(`node-${String(i).padStart(3, '0')}`, {
            capacityBytes: (i % 10 === 9 ? 500 : 10) * Gi,
          }),
        ),
      });
      for (let i = 0; i < 300; i++) {
        const sizeBytes = (i % 7 === 0 ? 100 : 5) * Gi;
        engine.place(request(`t/c${i}`, { count: 1 + (i % 3), sizeBytes }));
      }
      return engine.allocations();
    };
    const first = run();
    expect(first).toHaveLength(600);
    expect(run()).toEqual(first);
    const big = first.filter(v => v.sizeBytes === 100 * Gi);
    expect(new Set(big.map(v => Number(v.node.slice(5)) % 10))).toEqual(
      new Set([9]),
    );
  });

  it('chooses what a scan of every node would choose', () => {
    const nodes = Array.from({ length: 120 }, (_, i) =>
      pool(`node-${String(i).padStart(3, '0')}`, {
        capacityBytes: [10, 40, 200][i % 3] * Gi,
        throughputBytesPerSec: [50, 400][i % 2] * Mi,
        maxVolumes: 8,
      }),
    );
    const engine = PlacementEngine.create({ pools: nodes });
    for (let i = 0; i < 400; i++) {
      const req = request(`t/c${i % 150}`, {
        count: 1 + (i % 3),
        sizeBytes: [1, 5, 30, 90][i % 4] * Gi,
        throughputBytesPerSec: [0, 10, 60][i % 3] * Mi,
      });
      const expected = scanAll(engine, req);
      let got: string[] = [];
      let error: unknown;
      try {
        got = engine.place(req).volumes.map(v => v.node);
      } catch (e) {
        error = e;
      }
      expect(
        error === undefined || error instanceof PlacementRefusedError,
      ).toBe(true);
      expect(got).toEqual(expected);
    }
  });

  it('expands within the node headroom and refuses beyond it', () => {
    const engine = PlacementEngine.create({ pools: [pool('node-a')] });
    engine.place(request('t/a', { sizeBytes: 100 * Gi }));
    engine.place(request('t/b', { sizeBytes: 50 * Gi }));
    expect(engine.expand('t/a-0', 150 * Gi)).toMatchObject({
      volume: 't/a-0',
      node: 'node-a',
      sizeBytes: 150 * Gi,
    });
    expect(engine.usage()[0].allocatedBytes).toBe(200 * Gi);
    expect(() => engine.expand('t/b-0', 60 * Gi)).toThrow(
      new PlacementRefusedError(
        'cannot expand t/b-0 from 50Gi to 60Gi in pool default: it needs 10Gi more and node-a 0 free of 100Gi at ratio 2.0',
      ),
    );
    expect(() => engine.expand('t/b-0', 10 * Gi)).toThrow(InputError);
    expect(() => engine.expand('t/nope-0', 10 * Gi)).toThrow(NotFoundError);
    expect(engine.release('t/a-0')).toBe(true);
    expect(engine.release('t/a-0')).toBe(false);
    expect(engine.expand('t/b-0', 60 * Gi).sizeBytes).toBe(60 * Gi);
  });

  it('checks requests and names', () => {
    const engine = PlacementEngine.create({ pools: [pool('node-a')] });
    engine.place(request('t/a', { volumes: ['vol-1'] }));
    expect(() => engine.place(request('t/b', { volumes: ['vol-1'] }))).toThrow(
      ConflictError,
    );
    expect(() => engine.place(request('t/b', { count: 0 }))).toThrow(
      InputError,
    );
    expect(() => engine.place(request('t/b', { sizeBytes: 1.5 }))).toThrow(
      InputError,
    );
    expect(() =>
      PlacementEngine.create({
        pools: [pool('node-a')],
        allocations: [volume('t/a-0', 'node-z')],
      }),
    ).toThrow(
      'volume t/a-0 is on node node-z in pool default, which is not configured',
    );
  });
});

function volume(name: string, node: string, sizeBytes = 20 * Gi) {
  return {
    volume: name,
    cluster: name.replace(/-\d+$/, ''),
    pool: 'default',
    node,
    sizeBytes,
    throughputBytesPerSec: 0,
  };
}

/** The reference: score every node from its usage, best first. */
function scanAll(engine: PlacementEngine, req: PlacementRequest): string[] {
  const share = (free: number, total: number) => free / total;
  const fitting = engine
    .usage(req.pool)
    .filter(
      u =>
        u.volumes < u.maxVolumes &&
        req.sizeBytes <= u.allocatableBytes - u.allocatedBytes &&
        req.throughputBytesPerSec <=
          u.allocatableThroughputBytesPerSec -
            u.allocatedThroughputBytesPerSec &&
        !u.clusters.includes(req.cluster),
    )
    .map(u => ({
      node: u.node,
      score: Math.min(
        share(u.allocatableBytes - u.allocatedBytes, u.allocatableBytes),
        share(
          u.allocatableThroughputBytesPerSec - u.allocatedThroughputBytesPerSec,
          u.allocatableThroughputBytesPerSec,
        ),
        share(u.maxVolumes - u.volumes, u.maxVolumes),
      ),
    }))
    .sort((a, b) => b.score - a.score || (a.node < b.node ? -1 : 1));
  return fitting.length < req.count
    ? []
    : fitting.slice(0, req.count).map(f => f.node);
}
