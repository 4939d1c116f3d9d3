import { WebSocket, RawData } from 'ws';
import { exitStatus } from './containerLifecycle';
import { killContainer } from './containerProcess';
import { PodWorker } from './PodWorker';

/**
 * The exec subprotocols served, most preferred first. v5 adds a "close
 * stdin" message, so a client can signal end of input and still read the
 * output; with v4 and older a client can only close the whole connection.
 * Kubelets serve v5 since Kubernetes 1.30.
 */
export const EXEC_PROTOCOLS = [
  'v5.channel.k8s.io',
  'v4.channel.k8s.io',
  'v3.channel.k8s.io',
  'v2.channel.k8s.io',
  'channel.k8s.io',
];

const STDIN = 0;
const STDOUT = 1;
const STDERR = 2;
const ERROR = 3;
const CLOSE = 255;

/**
 * Whether a query flag is set. The API server passes `input=1`,
 * `output=1` and `error=1` for a client's `stdin=true`, `stdout=true` and
 * `stderr=true`; both spellings are accepted.
 */
export function queryFlag(query: URLSearchParams, ...names: string[]): boolean {
  return names.some(name => ['1', 'true'].includes(query.get(name) ?? ''));
}

/** A WebSocket message's bytes, whichever form `ws` delivered them in. */
export function toBuffer(data: RawData): Buffer {
  if (Array.isArray(data)) {
    return Buffer.concat(data);
  }
  return Buffer.isBuffer(data) ? data : Buffer.from(data);
}

/** A frame on a channel: its number, then the bytes. */
export function frame(channel: number, data: Buffer | string): Buffer {
  const body = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  return Buffer.concat([Buffer.from([channel]), body]);
}

/**
 * Sends the exit status on the error channel: a JSON Status from v4 on,
 * a bare message (nothing on success) before.
 */
function sendStatus(
  ws: WebSocket,
  exitCode: number | undefined,
  error?: string,
): void {
  const structured = /^v[45]\./.test(ws.protocol);
  if (exitCode === 0 && !error) {
    if (structured) {
      ws.send(
        frame(ERROR, JSON.stringify({ metadata: {}, status: 'Success' })),
      );
    }
    return;
  }
  const message =
    error ??
    `command terminated with non-zero exit code: exit status ${exitCode}`;
  if (!structured) {
    ws.send(frame(ERROR, message));
    return;
  }
  const status: Record<string, unknown> = {
    metadata: {},
    status: 'Failure',
    message,
    reason: error ? 'InternalError' : 'NonZeroExitCode',
  };
  if (!error) {
    status.details = {
      causes: [{ reason: 'ExitCode', message: String(exitCode) }],
    };
  }
  ws.send(frame(ERROR, JSON.stringify(status)));
}

/**
 * Serves one exec over an accepted WebSocket: starts the command in the
 * container, relays stdin/stdout/stderr on their channels, reports the exit
 * status on channel 3 and closes. The client going away kills the command.
 */
export function serveExec(
  ws: WebSocket,
  worker: PodWorker,
  container: string,
  query: URLSearchParams,
): void {
  const command = query.getAll('command');
  const wantStdin = queryFlag(query, 'stdin', 'input');
  let child;
  try {
    if (!command.length) {
      throw new Error(
        'you must specify at least one command for the container',
      );
    }
    child = worker.exec(container, command, [
      wantStdin ? 'pipe' : 'ignore',
      queryFlag(query, 'stdout', 'output') ? 'pipe' : 'ignore',
      queryFlag(query, 'stderr', 'error') ? 'pipe' : 'ignore',
    ]);
  } catch (error) {
    sendStatus(ws, undefined, (error as Error).message);
    ws.close(1000);
    return;
  }
  const process = child;
  let exited = false;
  process.stdin?.on('error', () => {}); // EPIPE once the command is gone
  process.stdout?.on('data', (data: Buffer) => ws.send(frame(STDOUT, data)));
  process.stderr?.on('data', (data: Buffer) => ws.send(frame(STDERR, data)));
  ws.on('message', (raw: RawData) => {
    const data = toBuffer(raw);
    if (data[0] === STDIN) {
      process.stdin?.write(data.subarray(1));
    } else if (data[0] === CLOSE && data[1] === STDIN) {
      process.stdin?.end();
    }
    // channel 4 (terminal resize) means nothing without a TTY
  });
  // 'close' rather than 'exit': all output has been read (and sent) by then.
  process.once('close', (code, signal) => {
    exited = true;
    if (ws.readyState === WebSocket.OPEN) {
      sendStatus(ws, exitStatus(code, signal));
      ws.close(1000);
    }
  });
  ws.on('close', () => {
    if (!exited) {
      void killContainer(process);
    }
  });
}
