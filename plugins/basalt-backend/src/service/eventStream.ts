import express from 'express';

/** How often a comment keeps an idle stream open through proxies. */
export const HEARTBEAT_INTERVAL_MS = 15_000;

/** Express' response, with the flush() the compression middleware adds. */
type Flushable = express.Response & { flush?: () => void };

/**
 * Sends `events` as a `text/event-stream` response: each value as
 * `event: <name>` with its JSON as `data`, a `: heartbeat` comment while
 * idle, until the values end or the client goes away (then `signal` should
 * abort, which ends the values). An error after the headers went out is sent
 * as an `error` event, since the status can no longer say it. The
 * heartbeat timer is cleared and the response ended in every case.
 */
export async function sendEventStream<T>(
  response: express.Response,
  events: AsyncIterable<T>,
  options: { event: string; signal: AbortSignal; heartbeatMs?: number },
): Promise<void> {
  const res = response as Flushable;
  res.status(200);
  res.setHeader('Content-Type', 'text/event-stream');
  // no-transform: Backstage's compression middleware would otherwise
  // buffer the stream to compress it, and nothing would arrive.
  res.setHeader('Cache-Control', 'no-cache, no-transform');
  res.setHeader('Connection', 'keep-alive');
  res.setHeader('X-Accel-Buffering', 'no'); // nor buffer in nginx
  res.flushHeaders();

  const write = (chunk: string) => writeAndFlush(res, chunk);
  const heartbeat = setInterval(
    () => void write(': heartbeat\n\n'),
    options.heartbeatMs ?? HEARTBEAT_INTERVAL_MS,
  );
  try {
    for await (const value of events) {
      if (options.signal.aborted) break;
      await write(
        `event: ${options.event}\ndata: ${JSON.stringify(value)}\n\n`,
      );
    }
  } catch (error) {
    if (!options.signal.aborted) {
      const message = (error as Error).message ?? String(error);
      await write(`event: error\ndata: ${JSON.stringify({ message })}\n\n`);
    }
  } finally {
    clearInterval(heartbeat);
    res.end();
  }
}

/** Writes, flushes, and waits while the client reads slower than we write. */
function writeAndFlush(res: Flushable, chunk: string): Promise<void> {
  if (res.writableEnded || res.destroyed) return Promise.resolve();
  const drained = res.write(chunk);
  res.flush?.();
  if (drained) return Promise.resolve();
  return new Promise(resolve => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
