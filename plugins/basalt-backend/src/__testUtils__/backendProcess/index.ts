import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { JsonObject } from '@backstage/types';
import { BasaltClient } from '@basalt/plugin-basalt-common';
import { clientOf } from '../testBackend';
import { READY_PREFIX } from './protocol';

/** How long a backend process may take to listen. */
const START_TIMEOUT_MS = 60_000;

/** A Basalt test backend running in a child process. */
export interface BackendProcess {
  client(): BasaltClient;
  /** Kills the process with SIGKILL: nothing of it runs its shutdown. */
  kill(): Promise<void>;
  /** What it printed, for a failing test to show. */
  output(): string;
}

/**
 * Starts a Basalt backend (as `startTestBackend` builds it, with `config`
 * as its whole config) in a child process, so that a test can kill it the
 * way a crash or the OOM killer would. Resolves once it listens.
 */
export function startBackendProcess(
  config: JsonObject,
): Promise<BackendProcess> {
  const child = spawn(
    process.execPath,
    [
      '-r',
      require.resolve('sucrase/register'),
      path.join(__dirname, 'main.ts'),
    ],
    {
      env: {
        ...process.env,
        BASALT_TEST_BACKEND_CONFIG: JSON.stringify(config),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout!.on('data', chunk => (output += chunk));
  child.stderr!.on('data', chunk => (output += chunk));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `The backend process did not listen within ${START_TIMEOUT_MS} ms:\n${output}`,
        ),
      );
    }, START_TIMEOUT_MS);
    child.once('exit', code => {
      clearTimeout(timer);
      reject(new Error(`The backend process exited (${code}):\n${output}`));
    });
    child.stdout!.on('data', () => {
      const line = output.split('\n').find(l => l.startsWith(READY_PREFIX));
      if (!line) return;
      clearTimeout(timer);
      const port = Number(line.slice(READY_PREFIX.length));
      resolve({
        client: () => clientOf({ address: () => ({ port }) }),
        kill: () => killed(child),
        output: () => output,
      });
    });
  });
}

function killed(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve();
  }
  return new Promise(resolve => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}
