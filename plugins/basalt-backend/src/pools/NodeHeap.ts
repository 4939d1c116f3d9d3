import { before, NodeState } from './nodeState';

/**
 * An indexed binary heap of one pool's nodes, most headroom on top (ties by
 * node name). Each node knows its position, so a node whose allocation
 * changed moves to its new place in O(log n) instead of a rebuild.
 */
export class NodeHeap {
  private readonly items: NodeState[] = [];

  get size(): number {
    return this.items.length;
  }

  push(node: NodeState): void {
    node.heapIndex = this.items.length;
    this.items.push(node);
    this.up(node.heapIndex);
  }

  /** Removes and returns the node with the most headroom. */
  pop(): NodeState | undefined {
    const top = this.items[0];
    if (!top) return undefined;
    const last = this.items.pop()!;
    if (last !== top) {
      this.items[0] = last;
      last.heapIndex = 0;
      this.down(0);
    }
    top.heapIndex = -1;
    return top;
  }

  /** Moves a node to its place after its score changed; no-op while out of the heap. */
  update(node: NodeState): void {
    if (node.heapIndex < 0) return;
    this.up(node.heapIndex);
    this.down(node.heapIndex);
  }

  private up(index: number): void {
    const items = this.items;
    const node = items[index];
    let i = index;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(node, items[parent])) break;
      items[i] = items[parent];
      items[i].heapIndex = i;
      i = parent;
    }
    items[i] = node;
    node.heapIndex = i;
  }

  private down(index: number): void {
    const items = this.items;
    const node = items[index];
    const n = items.length;
    let i = index;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const child =
        right < n && before(items[right], items[left]) ? right : left;
      if (!before(items[child], node)) break;
      items[i] = items[child];
      items[i].heapIndex = i;
      i = child;
    }
    items[i] = node;
    node.heapIndex = i;
  }
}
