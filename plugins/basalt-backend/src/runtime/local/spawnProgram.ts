import path from 'node:path';
import { StreamingProgram } from '@basalt/plugin-basalt-node';
import { EngineUser } from './engineUser';
import { signalServer } from './processes';
import { programFailed, spawnAsEngineUser } from './runProgram';

// Error output kept for the failure's message.
const MAX_STDERR = 64 * 1024;

/**
 * Starts a program as the engine's user with its standard input and output
 * as streams (see `EngineHost.spawn`). It gets its own session and process
 * group, which `signal` kills. Errors name the program but not its
 * arguments, and carry the last lines of its error output.
 */
export function spawnProgram(options: {
  file: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  user: EngineUser;
  signal?: AbortSignal;
  background?: boolean;
}): StreamingProgram {
  const name = path.basename(options.file);
  const child = spawnAsEngineUser(options, 'pipe');
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-MAX_STDERR);
  });
  // A program that stops reading ends the writer's pipe: its exit says why.
  child.stdin!.on('error', () => {});
  const { signal } = options;
  const kill = () => {
    if (child.pid) signalServer(child.pid, 'SIGKILL', true);
  };
  if (signal?.aborted) kill();
  signal?.addEventListener('abort', kill, { once: true });
  const exited = new Promise<void>((resolve, reject) => {
    const fail = (what: string, cause?: Error) =>
      reject(programFailed(name, what, stderr, cause));
    child.once('error', error => fail('could not be run', error));
    child.once('close', (code, exitSignal) => {
      signal?.removeEventListener('abort', kill);
      if (signal?.aborted) fail('was stopped: its work was cancelled');
      else if (code !== 0) {
        fail(
          exitSignal
            ? `was killed by ${exitSignal}`
            : `exited with code ${code}`,
        );
      } else resolve();
    });
  });
  return { stdin: child.stdin!, stdout: child.stdout!, exited };
}
