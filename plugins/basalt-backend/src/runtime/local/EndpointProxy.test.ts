import net from 'node:net';
import { mockServices } from '@backstage/backend-test-utils';
import { EngineAddress } from '@basalt/plugin-basalt-node';
import { EndpointProxy, EndpointProxyOptions } from './EndpointProxy';

const HOST = '127.0.0.1';

/** A real upstream that echoes what it receives and records it. */
interface Upstream {
  address: EngineAddress;
  /** What each connection received, in the order they were accepted. */
  received: string[];
  /** Where each connection came from, in the same order. */
  peers: string[];
}

interface Client {
  socket: net.Socket;
  /** Resolves when the socket has closed, for whatever reason. */
  closed: Promise<void>;
  write(data: string): Promise<void>;
  /** Resolves when everything received so far adds up to `expected`. */
  receive(expected: string): Promise<void>;
}

/**
 * Resolves after the event loop has polled the sockets again, so the proxy
 * has read what a client already handed to the kernel.
 */
const nextLoop = () => new Promise(resolve => setTimeout(resolve, 5));

/** Resolves once `condition` holds; jest's timeout bounds the wait. */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) {
    await nextLoop();
  }
}

describe('EndpointProxy', () => {
  const servers: net.Server[] = [];
  const sockets: net.Socket[] = [];
  let proxy: EndpointProxy | undefined;

  afterEach(async () => {
    await proxy?.close();
    proxy = undefined;
    sockets.splice(0).forEach(socket => socket.destroy());
    await Promise.all(
      servers
        .splice(0)
        .map(server => new Promise(resolve => server.close(resolve))),
    );
  });

  async function open(options: EndpointProxyOptions = {}) {
    proxy = await EndpointProxy.listen(
      HOST,
      { readWrite: 0, readOnly: 0 },
      mockServices.logger.mock(),
      options,
    );
    return proxy;
  }

  async function startUpstream(): Promise<Upstream> {
    const received: string[] = [];
    const peers: string[] = [];
    const server = net.createServer(socket => {
      sockets.push(socket);
      peers.push(socket.remoteAddress!);
      const index = received.push('') - 1;
      socket.on('data', chunk => {
        received[index] += chunk.toString();
        socket.write(chunk);
      });
      socket.on('error', () => {}); // reset when the proxy drops it
    });
    servers.push(server);
    await new Promise<void>(resolve => server.listen(0, HOST, resolve));
    const { port } = server.address() as net.AddressInfo;
    return { address: { host: HOST, port }, received, peers };
  }

  /** An address nothing listens on. */
  async function deadAddress(): Promise<EngineAddress> {
    const server = net.createServer();
    await new Promise<void>(resolve => server.listen(0, HOST, resolve));
    const { port } = server.address() as net.AddressInfo;
    await new Promise(resolve => server.close(resolve));
    return { host: HOST, port };
  }

  function connect(port: number, localAddress?: string): Client {
    const socket = net.connect({ host: HOST, port, localAddress });
    sockets.push(socket);
    let text = '';
    socket.on('data', chunk => {
      text += chunk.toString();
    });
    socket.on('error', () => {}); // reset by the proxy; 'close' tells
    const closed = new Promise<void>(resolve =>
      socket.once('close', () => resolve()),
    );
    return {
      socket,
      closed,
      write: data =>
        new Promise<void>((resolve, reject) =>
          socket.write(data, error => (error ? reject(error) : resolve())),
        ),
      async receive(expected) {
        await Promise.race([
          until(() => text.length >= expected.length),
          closed.then(() => {
            throw new Error(`Closed after receiving "${text}"`);
          }),
        ]);
        expect(text).toBe(expected);
      },
    };
  }

  it('forwards to the current targets', async () => {
    const primary = await startUpstream();
    const replica = await startUpstream();
    const { ports } = await open();
    proxy!.retarget({
      readWrite: primary.address,
      readOnly: [replica.address],
    });

    const writer = connect(ports.readWrite);
    await writer.write('insert');
    await writer.receive('insert');
    const reader = connect(ports.readOnly);
    await reader.write('select');
    await reader.receive('select');

    expect(primary.received).toEqual(['insert']);
    expect(replica.received).toEqual(['select']);
  });

  it("connects to the target from the client's loopback address", async () => {
    const primary = await startUpstream();
    const { ports } = await open();
    proxy!.retarget({ readWrite: primary.address, readOnly: [] });

    for (const from of ['127.0.0.2', '127.0.0.1']) {
      const client = connect(ports.readWrite, from);
      await client.write(from);
      await client.receive(from);
    }
    expect(primary.peers).toEqual(['127.0.0.2', '127.0.0.1']);
  });

  it('holds a connection without a target and forwards it, bytes in order, once there is one', async () => {
    const primary = await startUpstream();
    const { ports } = await open({ holdMs: 10_000 });

    const client = connect(ports.readWrite);
    await client.write('one,');
    await client.write('two,');
    await until(() => proxy!.heldConnections === 1);
    await client.write('three,');
    await nextLoop();
    expect(primary.received).toEqual([]);

    proxy!.retarget({ readWrite: primary.address, readOnly: [] });
    expect(proxy!.heldConnections).toBe(0);
    await client.write('four');
    await client.receive('one,two,three,four');
    expect(primary.received).toEqual(['one,two,three,four']);
  });

  it('stops reading from a held client that sends a lot, and loses none of it', async () => {
    const primary = await startUpstream();
    const { ports } = await open({ holdMs: 10_000 });
    const data = Array.from({ length: 50_000 }, (_, i) => `${i},`).join('');

    const client = connect(ports.readWrite);
    client.socket.write(data); // more than the proxy buffers while holding
    await until(() => proxy!.heldConnections === 1);
    await nextLoop();
    proxy!.retarget({ readWrite: primary.address, readOnly: [] });

    await client.receive(data);
    expect(primary.received).toEqual([data]);
  });

  it('closes a held connection when no target comes within holdMs', async () => {
    const { ports } = await open({ holdMs: 200 });

    const client = connect(ports.readWrite);
    const start = Date.now();
    await until(() => proxy!.heldConnections === 1);
    await client.closed;

    expect(Date.now() - start).toBeGreaterThanOrEqual(190);
    expect(proxy!.heldConnections).toBe(0);
  });

  it('closes a connection without a target at once when holdMs is 0', async () => {
    const { ports } = await open({ holdMs: 0 });

    const client = connect(ports.readWrite);
    await client.closed;

    expect(proxy!.heldConnections).toBe(0);
  });

  it('forgets a held connection whose client goes away', async () => {
    const primary = await startUpstream();
    const { ports } = await open({ holdMs: 10_000 });

    // One that says goodbye: the proxy closes its side in turn.
    const ending = connect(ports.readWrite);
    await ending.write('lost');
    await until(() => proxy!.heldConnections === 1);
    ending.socket.end();
    await ending.closed;
    // One that vanishes: the proxy sees a reset.
    const vanishing = connect(ports.readWrite);
    await until(() => proxy!.heldConnections === 1);
    vanishing.socket.resetAndDestroy();
    await until(() => proxy!.heldConnections === 0);

    proxy!.retarget({ readWrite: primary.address, readOnly: [] });
    const client = connect(ports.readWrite);
    await client.write('kept');
    await client.receive('kept');
    expect(primary.received).toEqual(['kept']);
  });

  it('closes the connections to a dropped target and keeps the others', async () => {
    const oldPrimary = await startUpstream();
    const newPrimary = await startUpstream();
    const { ports } = await open();
    proxy!.retarget({
      readWrite: oldPrimary.address,
      readOnly: [newPrimary.address],
    });
    const writer = connect(ports.readWrite);
    await writer.write('a');
    await writer.receive('a');
    const reader = connect(ports.readOnly);
    await reader.write('b');
    await reader.receive('b');

    proxy!.retarget({ readWrite: undefined, readOnly: [newPrimary.address] });
    await writer.closed;
    const next = connect(ports.readWrite);
    await next.write('c');
    await until(() => proxy!.heldConnections === 1);
    proxy!.retarget({
      readWrite: newPrimary.address,
      readOnly: [newPrimary.address],
    });
    await next.receive('c');
    await reader.write('d');
    await reader.receive('bd');

    expect(oldPrimary.received).toEqual(['a']);
    expect(newPrimary.received).toEqual(['bd', 'c']);
  });

  it('closes a client promptly when its target refuses the connection', async () => {
    const dead = await deadAddress();
    const { ports } = await open({ holdMs: 10_000 });

    const held = connect(ports.readWrite);
    await held.write('lost');
    await until(() => proxy!.heldConnections === 1);
    proxy!.retarget({ readWrite: dead, readOnly: [] });
    await held.closed;

    const direct = connect(ports.readWrite);
    await direct.closed;
    expect(proxy!.heldConnections).toBe(0);
  });

  it('closes held and forwarded connections and stops listening on close', async () => {
    const primary = await startUpstream();
    const { ports } = await open({ holdMs: 10_000 });
    proxy!.retarget({ readWrite: primary.address, readOnly: [] });
    const forwarded = connect(ports.readWrite);
    await forwarded.write('a');
    await forwarded.receive('a');
    const held = connect(ports.readOnly);
    await until(() => proxy!.heldConnections === 1);

    await proxy!.close();
    await Promise.all([forwarded.closed, held.closed]);
    expect(proxy!.heldConnections).toBe(0);

    const refused = net.connect({ host: HOST, port: ports.readWrite });
    sockets.push(refused);
    await expect(
      new Promise((resolve, reject) => {
        refused.once('connect', resolve);
        refused.once('error', reject);
      }),
    ).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});
