import { placeInstances } from './placeInstances';

const nodes = ['node-a', 'node-b', 'node-c'].map(name => ({
  name,
  ready: true,
}));

describe('placeInstances', () => {
  it('spreads over distinct nodes, least loaded first, by name on ties', () => {
    const load = new Map([['node-a', 2]]);
    expect(placeInstances({ count: 2, nodes, occupied: [], load })).toEqual([
      'node-b',
      'node-c',
    ]);
  });

  it('never places two instances of one cluster on a node', () => {
    expect(
      placeInstances({
        count: 1,
        nodes,
        occupied: ['node-b', 'node-c'],
        load: new Map(),
      }),
    ).toEqual(['node-a']);
  });

  it('refuses with the reason when there are not enough nodes', () => {
    expect(() =>
      placeInstances({
        count: 2,
        nodes: [...nodes.slice(0, 2), { name: 'node-c', ready: false }],
        occupied: ['node-a'],
        load: new Map(),
      }),
    ).toThrow(
      '2 more instance(s) need distinct nodes, 1 available: node-a (has an instance of this cluster), node-b, node-c (not ready)',
    );
  });
});
