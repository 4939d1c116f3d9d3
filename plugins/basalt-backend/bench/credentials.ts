import { readFileSync } from 'fs';

/** The superuser from a cluster's credentials file (the benchmark runs as root). */
export function readCredentials(location: string): {
  username: string;
  password: string;
} {
  return JSON.parse(readFileSync(location, 'utf8')).credentials.superuser;
}
