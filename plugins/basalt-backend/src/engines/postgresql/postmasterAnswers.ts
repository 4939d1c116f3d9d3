import net from 'node:net';
import { EngineAddress } from '@basalt/plugin-basalt-node';

/** The protocol's SSLRequest code (1234 << 16 | 5679). */
const SSL_REQUEST_CODE = 80877103;

/**
 * Whether the postmaster itself answers: sends an SSLRequest, the first
 * packet of any connection, and waits for its one-byte answer ('S' or
 * 'N'), then hangs up. The postmaster forks a process to answer it, which
 * a stopped or stuck postmaster never does, while the server processes of
 * connections made earlier go on answering queries. Far cheaper than a
 * login: no authentication, no session. Rejects with why when there is no
 * answer within `timeoutMs`.
 */
export function postmasterAnswers(
  address: EngineAddress,
  timeoutMs: number,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: address.host, port: address.port });
    const done = (error?: Error) => {
      socket.destroy();
      if (error) reject(error);
      else resolve();
    };
    socket.setTimeout(timeoutMs, () =>
      done(
        new Error(
          `the postmaster did not answer a new connection within ${timeoutMs} ms`,
        ),
      ),
    );
    socket.once('error', error => done(error));
    socket.once('connect', () => {
      const request = Buffer.alloc(8);
      request.writeInt32BE(8, 0);
      request.writeInt32BE(SSL_REQUEST_CODE, 4);
      socket.write(request);
    });
    socket.once('data', () => done());
    socket.once('end', () =>
      done(new Error('the postmaster hung up without answering')),
    );
  });
}
