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
 * removed whatever the outcome.
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
    // Its own cluster key: nothing of it can be mistaken for the cluster's.
    const scratch: ClusterKey = {
      namespace: key.namespace,
      name: `${key.name}-verify`,
      uid: `${key.uid}-verify`,
    };
    const engine: EngineContext = {
      ...access.engine,
      spec: {
        ...access.engine.spec,
        replicas: 1,
        backup: { ...backupPolicyOf(access.engine.spec), walArchiving: false },
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
    try {
      const instance = await runtime.ensureInstance({
        cluster: scratch,
        name: `${scratch.name}-0`,
        node: node.name,
        bootstrap,
        driver,
        context: engine,
      });
      await this.#waitReady(access, engine, instance.address);
      if (record.method === 'logical') {
        await backups.restoreLogical(instance.address, engine, source);
      }
      return await backups.checkRestored(instance.address, engine);
    } finally {
      await runtime.removeInstance(scratch, `${scratch.name}-0`);
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
