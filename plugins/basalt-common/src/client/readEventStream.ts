/**
 * One message of a `text/event-stream` response.
 *
 * @public
 */
export interface ServerSentEvent {
  /** The `event:` field; `message` when the server sent none. */
  event: string;
  data: string;
}

/**
 * Reads a `text/event-stream` body message by message until it ends or the
 * request is aborted. Comment lines (heartbeats) are skipped. Works with
 * any WHATWG `fetch` (browsers, Node), so the caller's token-adding fetch can
 * be used where `EventSource` could not send an Authorization header.
 */
export async function* readEventStream(
  body: ReadableStream<Uint8Array>,
): AsyncGenerator<ServerSentEvent> {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value;
      // Messages end with a blank line; keep a partial one for later.
      let boundary = buffer.indexOf('\n\n');
      while (boundary >= 0) {
        const message = parseMessage(buffer.slice(0, boundary));
        buffer = buffer.slice(boundary + 2);
        if (message) yield message;
        boundary = buffer.indexOf('\n\n');
      }
    }
  } finally {
    reader.releaseLock();
  }
}

function parseMessage(block: string): ServerSentEvent | undefined {
  let event = 'message';
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') event = value;
    if (field === 'data') data.push(value);
  }
  return data.length ? { event, data: data.join('\n') } : undefined;
}
