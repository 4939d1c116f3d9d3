import {
  BackupRecord,
  BackupVerification,
  backupPolicyOf,
} from '@basalt/plugin-basalt-common';
import {
  ClusterKey,
  EngineContext,
  InstanceRequest,
  Runtime,
} from '@basalt/plugin-basalt-node';
import { BackupRepositories } from './BackupRepositories';
import { ClusterAccess } from './clusterAccess';
import { RepositorySource } from './repositorySource';

const READY_TIMEOUT_MS = 120_000;
const READY_POLL_MS = 250;

/**
 * Checks a completed backup: every object read back against its size and
 * SHA-256, and (unless turned off) a restore into a temporary instance that
 * must start and hold the manifest's databases. The temporary instance is
 * removed whatever the outcome, and before a restore test begins (one cut
 * short by a backend that stopped left it running).
 */
export class BackupVerifier {
  constructor(
    private readonly deps: {
      runtime: Runtime;
      repositories: BackupRepositories;
    },
  ) {}

  async verify(
    access: ClusterAccess,
    record: BackupRecord,
    options: { restoreTest: boolean },
  ): Promise<BackupVerification> {
    const verifiedAt = () => new Date().toISOString();
    try {
      await this.#checksums(record);
    } catch (error) {
      return {
        verifiedAt: verifiedAt(),
        checksum: 'failed',
        restoreTest: 'skipped',
        message: (error as Error).message,
      };
    }
    if (!options.restoreTest) {
      return {
        verifiedAt: verifiedAt(),
        checksum: 'passed',
        restoreTest: 'skipped',
      };
    }
    try {
      const summary = await this.#restoreTest(access, record);
      return {
        verifiedAt: verifiedAt(),
        checksum: 'passed',
        restoreTest: 'passed',
        message: `Restored into a temporary instance: ${summary}`,
      };
    } catch (error) {
      return {
        verifiedAt: verifiedAt(),
        checksum: 'passed',
        restoreTest: 'failed',
        message: `The restore test failed: ${(error as Error).message}`,
      };
    }
  }

  /** Removes the temporary instance of `cluster`'s restore tests, if any. */
  async removeTemporaryInstance(cluster: ClusterKey): Promise<void> {
    const scratch = scratchOf(cluster);
    await this.deps.runtime.removeInstance(scratch.key, scratch.instance);
  }

  async #checksums(record: BackupRecord): Promise<void> {
    const repository = this.deps.repositories.get(record.repository);
    for (const object of record.objects ?? []) {
      await repository.verify(object.key, {
        size: object.size,
        sha256: object.sha256,
      });
    }
  }

  async #restoreTest(access: ClusterAccess, record: BackupRecord) {
    const { runtime } = this.deps;
    const { key, driver, backups } = access;
    const source = new RepositorySource(
      this.deps.repositories.get(record.repository),
      record.objects ?? [],
    );
    const scratch = scratchOf(key);
    const engine: EngineContext = {
      ...access.engine,
      spec: {
        ...access.engine.spec,
        replicas: 1,
        backup: { ...backupPolicyOf(access.engine.spec), logArchiving: false },
      },
    };
    const bootstrap: InstanceRequest['bootstrap'] =
      record.method === 'physical'
        ? {
            from: 'restore',
            restore: host => backups.restorePhysical(host, engine, source, {}),
          }
        : { from: 'scratch' };
    const node = (await runtime.listNodes()).find(n => n.ready);
    if (!node) throw new Error('no node is ready for the temporary instance');
    await this.removeTemporaryInstance(key);
    try {
      const instance = await runtime.ensureInstance({
        cluster: scratch.key,
        name: scratch.instance,
        node: node.name,
        bootstrap,
        driver,
        context: engine,
        background: true,
      });
      await this.#waitReady(access, engine, instance.address);
      if (record.method === 'logical') {
        await backups.restoreLogical(instance.address, engine, source);
      }
      return await backups.checkRestored(instance.address, engine);
    } finally {
      await this.removeTemporaryInstance(key);
    }
  }

  async #waitReady(
    access: ClusterAccess,
    engine: EngineContext,
    address: { host: string; port: number },
  ) {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (!(await access.driver.probe(address, engine)).ready) {
      if (Date.now() > deadline) {
        throw new Error(
          `the temporary instance did not answer within ${
            READY_TIMEOUT_MS / 1000
          } s`,
        );
      }
      await new Promise(resolve => setTimeout(resolve, READY_POLL_MS));
    }
  }
}

/**
 * The temporary instance of a cluster's restore tests: under a cluster key
 * of its own, so nothing of it can be mistaken for the cluster's.
 */
function scratchOf(cluster: ClusterKey): { key: ClusterKey; instance: string } {
  const key = {
    namespace: cluster.namespace,
    name: `${cluster.name}-verify`,
    uid: `${cluster.uid}-verify`,
  };
  return { key, instance: `${key.name}-0` };
}
