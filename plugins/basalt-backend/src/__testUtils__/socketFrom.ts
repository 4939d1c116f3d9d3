import net from 'node:net';

/**
 * A socket that connects from `localAddress`, for a client's `stream`
 * option (e.g. `pg`'s): Linux lets any 127/8 address be a source, so one
 * host can play clients from several networks.
 */
export function socketFrom(localAddress: string): net.Socket {
  const socket = new net.Socket();
  const connect = socket.connect.bind(socket) as (
    options: net.TcpNetConnectOpts,
  ) => net.Socket;
  socket.connect = ((port: number, host: string) =>
    connect({ port, host, localAddress })) as typeof socket.connect;
  return socket;
}
