import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { serveContainerLogs } from './containerLogs';
import { EXEC_PROTOCOLS, serveExec } from './execStream';
import { PodWorker } from './PodWorker';
import {
  PORT_FORWARD_PROTOCOLS,
  requestedPorts,
  servePortForward,
} from './portForwardStream';
import { TlsIdentity } from './selfSignedCert';

/** Finds the worker of a Pod running on this server's node. */
export type PodLookup = (
  namespace: string,
  name: string,
) => PodWorker | undefined;

/** Picks the first of `preferred` that the client offered. */
function negotiate(preferred: string[]) {
  return (offered: Set<string>): string | false =>
    preferred.find(protocol => offered.has(protocol)) ?? false;
}

/** A Status, as kubelet answers errors, for an error before an upgrade. */
function statusBody(code: number, message: string): string {
  return JSON.stringify({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    code,
  });
}

/**
 * One simulated kubelet's HTTPS API, the part the API server proxies to:
 * container logs, exec and port-forward (WebSocket only; the API server
 * passes the client's upgrade through). Closing it drops every connection,
 * which is what the API server sees of a dead kubelet.
 */
export class KubeletServer {
  private readonly server: https.Server;
  private readonly sockets = new Set<Duplex>();
  private readonly execSockets = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    handleProtocols: negotiate(EXEC_PROTOCOLS),
  });
  private readonly forwardSockets = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    handleProtocols: negotiate(PORT_FORWARD_PROTOCOLS),
  });

  constructor(tls: TlsIdentity, private readonly findPod: PodLookup) {
    this.server = https.createServer({ key: tls.key, cert: tls.cert });
    this.server.on('secureConnection', socket => this.track(socket));
    this.server.on('request', (req, res) => void this.onRequest(req, res));
    this.server.on('upgrade', (req, socket, head) =>
      this.onUpgrade(req, socket, head),
    );
  }

  private track(socket: Duplex): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
  }

  /** Listens on 127.0.0.1 at `port` and says which port that is. */
  listen(port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve((this.server.address() as net.AddressInfo).port);
      });
    });
  }

  /** Stops listening and drops every connection, upgraded ones too. */
  async close(): Promise<void> {
    if (!this.server.listening) {
      return;
    }
    const closed = new Promise(resolve => this.server.close(resolve));
    this.sockets.forEach(socket => socket.destroy());
    await closed;
  }

  /** Splits `/kind/ns/pod[/container]` and finds the Pod. */
  private route(req: http.IncomingMessage) {
    const url = new URL(req.url ?? '/', 'https://kubelet');
    const [kind, namespace, pod, container] = url.pathname
      .split('/')
      .filter(Boolean)
      .map(decodeURIComponent);
    const worker = namespace && pod ? this.findPod(namespace, pod) : undefined;
    return { kind, namespace, pod, container, worker, query: url.searchParams };
  }

  private async onRequest(
    req: http.IncomingMessage,
    res: http.ServerResponse,
  ): Promise<void> {
    const route = this.route(req);
    const fail = (code: number, message: string) => {
      res.writeHead(code, { 'Content-Type': 'application/json' });
      res.end(statusBody(code, message));
    };
    try {
      if (route.kind === 'healthz') {
        res.end('ok');
      } else if (route.kind === 'containerLogs' && route.container) {
        if (!route.worker) {
          fail(
            404,
            `pod ${route.namespace}/${route.pod} not found on this node`,
          );
        } else {
          await serveContainerLogs(
            res,
            route.worker,
            route.pod,
            route.container,
            route.query,
          );
        }
      } else if (route.kind === 'exec' || route.kind === 'portForward') {
        fail(
          400,
          'only WebSocket streaming is simulated (no SPDY): an Upgrade is required',
        );
      } else {
        fail(404, `${req.url} is not served by the kubelet simulator`);
      }
    } catch (error) {
      if (!res.headersSent) {
        fail(500, String(error));
      } else {
        res.destroy();
      }
    }
  }

  private onUpgrade(
    req: http.IncomingMessage,
    socket: Duplex,
    head: Buffer,
  ): void {
    this.track(socket);
    const route = this.route(req);
    const refuse = (code: number, message: string) => {
      const body = statusBody(code, message);
      socket.end(
        `HTTP/1.1 ${code} ${http.STATUS_CODES[code]}\r\nContent-Type: application/json\r\n` +
          `Content-Length: ${Buffer.byteLength(
            body,
          )}\r\nConnection: close\r\n\r\n${body}`,
      );
    };
    const worker = route.worker;
    if (route.kind === 'exec' && route.container) {
      if (!worker) {
        refuse(
          404,
          `pod ${route.namespace}/${route.pod} not found on this node`,
        );
        return;
      }
      this.execSockets.handleUpgrade(req, socket, head, ws =>
        serveExec(ws, worker, route.container, route.query),
      );
    } else if (route.kind === 'portForward') {
      const ports = requestedPorts(route.query);
      const podIP = worker?.podIP;
      if (!worker || !podIP) {
        refuse(
          404,
          `pod ${route.namespace}/${route.pod} is not running on this node`,
        );
      } else if (
        !ports.length ||
        ports.some(port => !(port > 0 && port < 65536))
      ) {
        refuse(
          400,
          'query parameter "port" is required and must name valid ports',
        );
      } else {
        this.forwardSockets.handleUpgrade(req, socket, head, ws =>
          servePortForward(ws, podIP, ports),
        );
      }
    } else {
      refuse(404, `${req.url} is not served by the kubelet simulator`);
    }
  }
}
