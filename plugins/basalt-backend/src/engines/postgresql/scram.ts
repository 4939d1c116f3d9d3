import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';

const ITERATIONS = 4096;

/**
 * The SCRAM-SHA-256 verifier PostgreSQL stores for `password` (RFC 5802,
 * RFC 7677), in its `SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>`
 * form. Sending the verifier in `CREATE ROLE ... PASSWORD` instead of the
 * password keeps the password itself out of the server's logs and
 * statistics. The password is used as is (no SASLprep), which is exact for
 * the ASCII passwords Basalt generates.
 */
export function scramSha256Verifier(
  password: string,
  salt: Buffer = randomBytes(16),
  iterations: number = ITERATIONS,
): string {
  const salted = pbkdf2Sync(password, salt, iterations, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  return `SCRAM-SHA-256$${iterations}:${salt.toString(
    'base64',
  )}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}

const VERIFIER =
  /^SCRAM-SHA-256\$(\d+):([A-Za-z0-9+/=]+)\$[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/;

/**
 * Verifiers already found to be of a password, with a digest of that
 * password: every reconcile pass checks each account, and a settled
 * cluster's passes should cost no key derivation. Bounded, oldest first out.
 */
const matched = new Map<string, string>();
const MATCHED_MAX = 10_000;

/**
 * Whether `verifier` (as stored in `pg_authid.rolpassword`) is one of
 * `password`: recomputed with the verifier's own salt and iteration count,
 * so a password that was changed (rotated, or set by hand) shows as
 * different without ever reading a password back from the server.
 */
export function scramVerifierMatches(
  verifier: string | null,
  password: string,
): boolean {
  const match = verifier ? VERIFIER.exec(verifier) : null;
  if (!match) return false;
  const digest = createHash('sha256').update(password).digest('base64');
  if (matched.get(verifier!) === digest) return true;
  const [, iterations, salt] = match;
  const matches =
    scramSha256Verifier(
      password,
      Buffer.from(salt, 'base64'),
      Number(iterations),
    ) === verifier;
  if (matches) {
    matched.set(verifier!, digest);
    if (matched.size > MATCHED_MAX) {
      matched.delete(matched.keys().next().value!);
    }
  }
  return matches;
}
