import net from 'node:net';
import { WebSocket, RawData } from 'ws';
import { frame, toBuffer } from './execStream';

/** The port-forward subprotocols served, most preferred first. */
export const PORT_FORWARD_PROTOCOLS = [
  'v4.channel.k8s.io',
  'portforward.k8s.io',
  'channel.k8s.io',
];

/**
 * The ports asked for: the API server passes `port=5432,5433`; clients
 * talking to a kubelet directly may say `ports`.
 */
export function requestedPorts(query: URLSearchParams): number[] {
  return [...query.getAll('port'), ...query.getAll('ports')]
    .flatMap(value => value.split(','))
    .filter(Boolean)
    .map(Number);
}

function portPrefix(port: number): Buffer {
  const prefix = Buffer.alloc(2);
  prefix.writeUInt16LE(port, 0);
  return prefix;
}

/**
 * Serves a WebSocket port-forward as kubelet does: port index i uses data
 * channel 2i and error channel 2i+1, each opened with the port number
 * (2 bytes, little-endian); bytes on the data channel are relayed to and
 * from a TCP connection to the Pod's IP on that port. Either side closing
 * closes the other.
 */
export function servePortForward(
  ws: WebSocket,
  podIP: string,
  ports: number[],
): void {
  const sockets = ports.map((port, index) => {
    const data = 2 * index;
    const error = data + 1;
    ws.send(frame(data, portPrefix(port)));
    ws.send(frame(error, portPrefix(port)));
    const socket = net.connect({ host: podIP, port });
    socket.on('data', chunk => ws.send(frame(data, chunk)));
    socket.on('error', err => {
      if (ws.readyState === WebSocket.OPEN) {
        ws.send(
          frame(
            error,
            `error forwarding port ${port} to pod at ${podIP}: ${err.message}`,
          ),
        );
      }
    });
    socket.on('close', () => ws.close(1000));
    return socket;
  });
  ws.on('message', (raw: RawData) => {
    const bytes = toBuffer(raw);
    const channel = bytes[0];
    if (channel % 2 === 0) {
      sockets[channel / 2]?.write(bytes.subarray(1));
    }
  });
  ws.on('close', () => sockets.forEach(socket => socket.destroy()));
}
