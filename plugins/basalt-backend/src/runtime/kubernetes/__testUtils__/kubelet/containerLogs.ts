import fs from 'node:fs/promises';
import http from 'node:http';
import { sleep } from '../../../local/processes';
import { PodWorker } from './PodWorker';
import { queryFlag } from './execStream';

/** The last `lines` lines of `text` (all with a negative count). */
function tail(text: string, lines: number): string {
  if (lines < 0) {
    return text;
  }
  if (lines === 0) {
    return '';
  }
  const parts = text.split('\n');
  const trailing = parts[parts.length - 1] === '' ? parts.pop() : undefined;
  return parts.slice(-lines).join('\n') + (trailing !== undefined ? '\n' : '');
}

/**
 * Serves `GET /containerLogs/{ns}/{pod}/{container}`: the log (or its last
 * `tailLines` lines, at most `limitBytes`), then with `follow` what the
 * container appends, until it stops running or the client goes away.
 */
export async function serveContainerLogs(
  response: http.ServerResponse,
  worker: PodWorker,
  podName: string,
  container: string,
  query: URLSearchParams,
): Promise<void> {
  const log = worker.containerLog(container);
  if (!log) {
    response.writeHead(400, { 'Content-Type': 'text/plain' });
    response.end(
      `container "${container}" in pod "${podName}" is waiting to start`,
    );
    return;
  }
  const tailLines = query.has('tailLines')
    ? Number(query.get('tailLines'))
    : -1;
  const limitBytes = query.has('limitBytes')
    ? Number(query.get('limitBytes'))
    : Infinity;
  let content = await fs.readFile(log.file);
  let offset = content.length;
  let sent = 0;
  const send = (bytes: Buffer): void => {
    const chunk = bytes.subarray(0, Math.max(0, limitBytes - sent));
    sent += chunk.length;
    if (chunk.length) {
      response.write(chunk);
    }
  };
  response.writeHead(200, { 'Content-Type': 'text/plain' });
  send(Buffer.from(tail(content.toString('utf8'), tailLines), 'utf8'));
  if (!queryFlag(query, 'follow')) {
    response.end();
    return;
  }
  let clientGone = false;
  response.on('close', () => (clientGone = true));
  while (!clientGone && sent < limitBytes) {
    const running = log.running();
    const handle = await fs.open(log.file, 'r').catch(() => undefined);
    if (!handle) {
      break; // the Pod's files were removed
    }
    try {
      const { size } = await handle.stat();
      if (size > offset) {
        content = Buffer.alloc(size - offset);
        await handle.read(content, 0, content.length, offset);
        offset = size;
        send(content);
      }
    } finally {
      await handle.close();
    }
    if (!running) {
      break; // read once more after it stopped, then end like kubelet
    }
    await sleep(200);
  }
  response.end();
}
