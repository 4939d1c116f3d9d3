import fs from 'node:fs/promises';
import path from 'node:path';
import { CredentialsReference } from '@basalt/plugin-basalt-common';
import { ClusterCredentials, ClusterKey } from '@basalt/plugin-basalt-node';
import { readJsonFile, removeDirAndEmptyParents, writeJsonFile } from './files';
import { ClusterCertificates } from '../certificates';
import { completeCredentials } from '../credentials';
import { KeyedMutex } from '../KeyedMutex';

const LOCAL_HOSTS = ['localhost', '127.0.0.1'];

interface CredentialsFile {
  cluster: ClusterKey;
  credentials: ClusterCredentials;
}

/**
 * Keeps each cluster's generated credentials in a file only the backend's
 * user can read (`<dir>/<namespace>/<cluster>.json`, mode 0600, in 0700
 * directories). Passwords are generated once and kept; accounts added to the
 * manifest later get theirs when they first appear. The cluster's CA and
 * server certificate (for `localhost` and 127.0.0.1, where the engines and
 * endpoints listen) are kept there too, the server's renewed when due.
 */
export class CredentialsStore {
  private readonly mutex = new KeyedMutex();

  constructor(
    private readonly dir: string,
    private readonly fileOf: (cluster: ClusterKey) => string,
    private readonly certificates: ClusterCertificates,
  ) {}

  /** Completes the cluster's credentials; new passwords for `rotate`. */
  ensure(
    cluster: ClusterKey,
    accounts: string[],
    rotate: string[] = [],
  ): Promise<{
    credentials: ClusterCredentials;
    reference: CredentialsReference;
  }> {
    const file = this.fileOf(cluster);
    const reference: CredentialsReference = { kind: 'file', location: file };
    return this.mutex.run(file, async () => {
      const stored = await readJsonFile<CredentialsFile>(file);
      // A file of an earlier cluster of the same name is replaced: its
      // passwords belong to data that no longer exists.
      const current =
        stored?.cluster.uid === cluster.uid ? stored.credentials : undefined;
      const credentials = await completeCredentials(
        current,
        accounts,
        {
          certificates: this.certificates,
          cluster,
          hosts: LOCAL_HOSTS,
        },
        rotate,
      );
      if (!credentials) return { credentials: current!, reference };
      await this.write(file, { cluster, credentials });
      return { credentials, reference };
    });
  }

  remove(cluster: ClusterKey): Promise<void> {
    const file = this.fileOf(cluster);
    return this.mutex.run(file, async () => {
      const stored = await readJsonFile<CredentialsFile>(file);
      if (stored && stored.cluster.uid !== cluster.uid) {
        return; // a newer cluster's of the same name
      }
      await removeDirAndEmptyParents(file, this.dir);
    });
  }

  private async write(file: string, content: CredentialsFile): Promise<void> {
    await fs.mkdir(this.dir, { recursive: true, mode: 0o700 });
    await fs.chmod(this.dir, 0o700);
    await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    await writeJsonFile(file, content, 0o600);
  }
}
