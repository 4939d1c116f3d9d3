import { Readable, Writable } from 'stream';
import type { EngineAddress } from './types';

/**
 * What a runtime offers a driver to set up one instance's data: a place, a
 * port, and a way to run the engine's own tools as the engine's user.
 *
 * @public
 */
export interface EngineHost {
  /** The instance's data directory (for the engine's files). */
  readonly dataDir: string;
  /** Where the instance will listen. */
  readonly address: EngineAddress;
  /**
   * More hosts the engine listens on, on the same port: a Pod on its
   * node's network also listens on the node's loopback, where the
   * kubelet's port-forward connects. Absent: only `address.host`.
   */
  readonly alsoListenOn?: string[];
  /** Absolute path of one of the engine's programs, e.g. `initdb`. */
  binary(name: string): string;
  /**
   * Runs one of the engine's programs as the engine's (unprivileged) user
   * and resolves with its output; rejects with an error that carries the
   * tail of its output when it fails or outlives `timeoutMs`.
   */
  exec(
    program: string,
    args: string[],
    options?: { env?: Record<string, string>; timeoutMs?: number },
  ): Promise<{ stdout: string; stderr: string }>;
  /**
   * Starts one of the engine's programs as the engine's user, with its
   * standard input and output as streams: for data too large to hold, such
   * as a physical backup taken next to the data or a dump loaded into it.
   * `signal` kills it.
   */
  spawn(
    program: string,
    args: string[],
    options?: { env?: Record<string, string>; signal?: AbortSignal },
  ): StreamingProgram;
  /** Writes a file into the data directory, owned by the engine's user, mode 0600. */
  writeFile(relativePath: string, content: string): Promise<void>;
  /**
   * Streams `body` into a file in the data directory (creating the
   * directories on its path), owned by the engine's user, mode 0600.
   */
  writeFileFrom(relativePath: string, body: Readable): Promise<void>;
  /** Removes a file or directory in the data directory; absent is fine. */
  remove(relativePath: string): Promise<void>;
  /**
   * Unpacks a gzip-compressed tar archive into the data directory as the
   * engine's user; rejects when `body` or the unpacking fails.
   */
  unpack(body: Readable): Promise<void>;
  /**
   * Calls `use` with a fresh directory outside the data directory that only
   * the engine's user (and the runtime) can enter, e.g. for a server's
   * private socket during maintenance, and removes it when `use` settles.
   * Its path is short enough for a Unix socket.
   */
  withPrivateDir<T>(use: (dir: string) => Promise<T>): Promise<T>;
  /**
   * A directory outside the data directory where the engine leaves files
   * for the runtime to archive (completed WAL segments), or undefined when
   * the runtime collects none; see `Runtime.archive`.
   */
  readonly archiveDir?: string;
  /** Whether a file exists in the data directory. */
  fileExists(relativePath: string): Promise<boolean>;
  /**
   * Calls `use` with the absolute path of a file holding `content`, readable
   * by the engine's user only and kept outside the data directory, and
   * removes the file when `use` settles. For secrets a program only takes
   * from a file, e.g. initdb's superuser password (`--pwfile`), which must
   * not appear in an argument list.
   */
  withSecretFile<T>(
    content: string,
    use: (path: string) => Promise<T>,
  ): Promise<T>;
}

/**
 * An engine program started through {@link EngineHost.spawn}.
 *
 * @public
 */
export interface StreamingProgram {
  /** Its standard input; ending it ends the program's input. */
  stdin: Writable;
  /** Its standard output, as it writes it. */
  stdout: Readable;
  /**
   * Settles once it has exited and its output has been read to the end:
   * resolves when it succeeded, rejects with the last lines of its error
   * output when it failed or was killed.
   */
  exited: Promise<void>;
}
