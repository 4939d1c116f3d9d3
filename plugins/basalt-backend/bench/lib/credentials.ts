import { readFileSync } from 'fs';

interface CredentialsFile {
  credentials: {
    superuser: { username: string; password: string };
    accounts: Record<string, string>;
  };
}

const read = (location: string): CredentialsFile =>
  JSON.parse(readFileSync(location, 'utf8'));

/** The superuser from a cluster's credentials file (the benchmark runs as root). */
export function readCredentials(location: string): {
  username: string;
  password: string;
} {
  return read(location).credentials.superuser;
}

/** The password of the manifest's account `name` from the credentials file. */
export function readAccountPassword(location: string, name: string): string {
  const password = read(location).credentials.accounts[name];
  if (!password)
    throw new Error(`No password for account ${name} in ${location}`);
  return password;
}
