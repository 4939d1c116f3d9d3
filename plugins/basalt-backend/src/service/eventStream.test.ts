import { mockServices } from '@backstage/backend-test-utils';
import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { readEventStream } from '@basalt/plugin-basalt-common';
import express from 'express';
import { Server as HttpServer } from 'http';
import { AddressInfo, Server } from 'net';
import { sendEventStream } from './eventStream';

/** A source that yields whenever the test pushes, and says when it ended. */
function controllableSource() {
  const waiting: Array<(value: number) => void> = [];
  const queued: number[] = [];
  const state = { finished: false };
  async function* values(signal: AbortSignal): AsyncGenerator<number> {
    try {
      while (!signal.aborted) {
        const next =
          queued.shift() ??
          (await new Promise<number | undefined>(resolve => {
            waiting.push(resolve);
            signal.addEventListener('abort', () => resolve(undefined));
          }));
        if (next === undefined) return;
        yield next;
      }
    } finally {
      state.finished = true;
    }
  }
  const push = (value: number) => {
    const resolve = waiting.shift();
    if (resolve) resolve(value);
    else queued.push(value);
  };
  return { values, push, state };
}

describe('sendEventStream', () => {
  let server: HttpServer;
  let source: ReturnType<typeof controllableSource>;
  let aborted: AbortSignal | undefined;

  beforeEach(async () => {
    source = controllableSource();
    const app = express();
    // Backstage's own compression middleware, as the root router has it.
    const middleware = MiddlewareFactory.create({
      config: mockServices.rootConfig(),
      logger: mockServices.logger.mock(),
    });
    app.use(middleware.compression());
    app.get('/stream', async (_req, res) => {
      const abort = new AbortController();
      aborted = abort.signal;
      res.on('close', () => abort.abort());
      await sendEventStream(res, source.values(abort.signal), {
        event: 'tick',
        signal: abort.signal,
        heartbeatMs: 50,
      });
    });
    server = await new Promise(resolve => {
      const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
    });
  });

  afterEach(async () => {
    server.closeAllConnections(); // fetch's pooled keep-alive ones too
    await new Promise(resolve => server.close(resolve));
  });

  const url = () =>
    `http://127.0.0.1:${(server.address() as AddressInfo).port}/stream`;

  it('sends each value as it comes, uncompressed, with heartbeats while idle', async () => {
    const abort = new AbortController();
    const response = await fetch(url(), {
      headers: { 'Accept-Encoding': 'gzip, deflate, br' },
      signal: abort.signal,
    });
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    expect(response.headers.get('cache-control')).toBe(
      'no-cache, no-transform',
    );
    expect(response.headers.get('content-encoding')).toBeNull();

    const reader = response
      .body!.pipeThrough(new TextDecoderStream())
      .getReader();
    let text = '';
    const until = async (fragment: string) => {
      while (!text.includes(fragment)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended before ${fragment}`);
        text += value;
      }
    };
    source.push(1);
    await until('event: tick\ndata: 1\n\n');
    await until(': heartbeat\n\n'); // idle for 50 ms
    source.push(2);
    await until('event: tick\ndata: 2\n\n');
    abort.abort();
    await expect(reader.read()).rejects.toThrow();
  });

  it('stops reading the source when the client goes away', async () => {
    const abort = new AbortController();
    const response = await fetch(url(), { signal: abort.signal });
    const received: string[] = [];
    const reading = (async () => {
      for await (const message of readEventStream(response.body!)) {
        received.push(message.data);
      }
    })().catch(() => {});
    source.push(7);
    await waitFor(() => received.length === 1);
    abort.abort();
    await reading;
    await waitFor(() => source.state.finished);
    expect(aborted?.aborted).toBe(true);
    expect(received).toEqual(['7']);
  });

  it('ends the response when the source ends, and reports a failure as an error event', async () => {
    source.push(1);
    const ending = express();
    ending.get('/', async (_req, res) => {
      async function* failing() {
        yield 'first';
        throw new Error('the log went away');
      }
      await sendEventStream(res, failing(), {
        event: 'log',
        signal: new AbortController().signal,
      });
    });
    const other: Server = await new Promise(resolve => {
      const listening = ending.listen(0, '127.0.0.1', () => resolve(listening));
    });
    try {
      const port = (other.address() as AddressInfo).port;
      const text = await (await fetch(`http://127.0.0.1:${port}/`)).text();
      expect(text).toBe(
        'event: log\ndata: "first"\n\nevent: error\ndata: {"message":"the log went away"}\n\n',
      );
    } finally {
      await new Promise(resolve => other.close(resolve));
    }
  });
});

async function waitFor(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise(resolve => setTimeout(resolve, 10));
  }
}
