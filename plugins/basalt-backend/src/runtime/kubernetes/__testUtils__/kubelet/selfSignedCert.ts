import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A PEM key and certificate. */
export interface TlsIdentity {
  key: string;
  cert: string;
}

/**
 * Makes a throwaway self-signed certificate for 127.0.0.1 in `dir`, as a
 * kubelet does when it is given none. The API server is started without a
 * kubelet CA, so it does not verify it.
 */
export async function makeSelfSignedCert(dir: string): Promise<TlsIdentity> {
  const keyFile = path.join(dir, 'kubelet.key');
  const certFile = path.join(dir, 'kubelet.crt');
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-subj',
    '/CN=127.0.0.1',
    '-days',
    '1',
    '-keyout',
    keyFile,
    '-out',
    certFile,
  ]);
  return {
    key: await fs.readFile(keyFile, 'utf8'),
    cert: await fs.readFile(certFile, 'utf8'),
  };
}
