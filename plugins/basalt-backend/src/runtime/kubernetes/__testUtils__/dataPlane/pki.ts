import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A certificate and its key, as files. */
export interface CertificateFiles {
  certFile: string;
  keyFile: string;
}

/** EC P-256 keys: generated in milliseconds, and every component takes them. */
const KEY_ARGS = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'];

/** A one-day certificate authority in `dir` (`ca.crt`, `ca.key`). */
export async function makeCertificateAuthority(
  dir: string,
): Promise<CertificateFiles> {
  const files = {
    certFile: path.join(dir, 'ca.crt'),
    keyFile: path.join(dir, 'ca.key'),
  };
  await run('openssl', [
    'req',
    '-x509',
    ...KEY_ARGS,
    '-nodes',
    '-days',
    '1',
    '-subj',
    '/CN=basalt-test-ca',
    '-keyout',
    files.keyFile,
    '-out',
    files.certFile,
  ]);
  return files;
}

/**
 * A client certificate signed by `ca` for user `commonName` in group
 * `organization`: Kubernetes reads the user from the CN and groups from O.
 */
export async function issueClientCertificate(
  ca: CertificateFiles,
  dir: string,
  name: string,
  subject: { commonName: string; organization: string },
): Promise<CertificateFiles> {
  const files = {
    certFile: path.join(dir, `${name}.crt`),
    keyFile: path.join(dir, `${name}.key`),
  };
  const request = path.join(dir, `${name}.csr`);
  await run('openssl', [
    'req',
    '-new',
    ...KEY_ARGS,
    '-nodes',
    '-subj',
    `/O=${subject.organization}/CN=${subject.commonName}`,
    '-keyout',
    files.keyFile,
    '-out',
    request,
  ]);
  await run('openssl', [
    'x509',
    '-req',
    '-days',
    '1',
    '-in',
    request,
    '-CA',
    ca.certFile,
    '-CAkey',
    ca.keyFile,
    '-CAcreateserial',
    '-out',
    files.certFile,
  ]);
  return files;
}
