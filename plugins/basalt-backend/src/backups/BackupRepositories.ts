import { InputError } from '@backstage/errors';
import { BackupRepository } from './BackupRepository';
import { FilesystemRepository } from './FilesystemRepository';
import { BackupRepositoryConfig } from './readRepositoryConfig';
import { S3Repository } from './S3Repository';

/**
 * The configured backup repositories by name
 * (`basalt.backups.repositories.<name>`), created on first use.
 */
export class BackupRepositories {
  readonly #configs: Record<string, BackupRepositoryConfig>;
  readonly #created = new Map<string, BackupRepository>();

  constructor(configs: Record<string, BackupRepositoryConfig>) {
    this.#configs = configs;
  }

  /** Names of the configured repositories. */
  names(): string[] {
    return Object.keys(this.#configs);
  }

  /**
   * The repository called `name`.
   *
   * @throws InputError naming `spec.backup.repository` and the configured
   * names when there is no such repository.
   */
  get(name: string): BackupRepository {
    const existing = this.#created.get(name);
    if (existing) return existing;
    const config = this.#configs[name];
    if (!config) {
      throw new InputError(
        `spec.backup.repository: no backup repository '${name}' is configured; configured: ${
          this.names().join(', ') || 'none'
        }`,
      );
    }
    const repository =
      config.type === 'filesystem'
        ? FilesystemRepository.create({ path: config.path })
        : S3Repository.create(config);
    this.#created.set(name, repository);
    return repository;
  }
}
