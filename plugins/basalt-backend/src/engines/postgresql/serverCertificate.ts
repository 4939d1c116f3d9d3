import { ClusterTls, EngineAddress } from '@basalt/plugin-basalt-node';
import { TLS_FILES } from './configuration';
import { Login, Timeouts, withClient } from './connection';
import { reloadConfiguration } from './reload';

/**
 * Makes a running server present the cluster's current server certificate:
 * when the one in its data directory differs (it was renewed since the
 * instance was created), writes the key and certificate there through the
 * server itself and reloads it, which makes new connections use them.
 * Writing through the server (`COPY … TO`, as the engine's user, mode 0600
 * under its umask) works the same on every runtime and on replicas, which
 * allow it during recovery. Servers without TLS are left alone. Resolves
 * with whether it changed anything.
 */
export async function ensureServerCertificate(
  address: EngineAddress,
  superuser: Login,
  timeouts: Timeouts,
  tls: ClusterTls,
): Promise<boolean> {
  const changed = await withClient(address, superuser, timeouts, async c => {
    const { rows } = await c.query(
      `select current_setting('ssl') = 'on' as ssl,
              current_setting('data_directory') as "dataDir",
              pg_read_file($1, 0, 1048576, true) as certificate`,
      [TLS_FILES.certificate],
    );
    const { ssl, dataDir, certificate } = rows[0] as {
      ssl: boolean;
      dataDir: string;
      certificate: string | null;
    };
    if (!ssl || certificate === tls.certificate) return false;
    // The key first: the server only reads them at a reload. COPY writes
    // to absolute paths only.
    await c.query(copyTo(`${dataDir}/${TLS_FILES.key}`, tls.key));
    await c.query(
      copyTo(`${dataDir}/${TLS_FILES.certificate}`, tls.certificate),
    );
    return true;
  });
  if (changed) await reloadConfiguration(address, superuser, timeouts);
  return changed;
}

/**
 * `COPY` that writes `pem` to a file in the data directory, one row per
 * line: PEM lines hold no tab, backslash or quote that COPY's text format
 * would escape. (COPY takes no parameters, hence the literals.)
 */
function copyTo(file: string, pem: string): string {
  const lines = pem.split('\n').filter(line => line !== '');
  if ([file, ...lines].some(text => /[\t\\'\n]/.test(text))) {
    throw new Error(`Refusing to write ${file}: not a PEM file`);
  }
  const literal = (text: string) => `'${text}'`;
  return `copy (select unnest(array[${lines
    .map(literal)
    .join(', ')}]::text[])) to ${literal(file)}`;
}
