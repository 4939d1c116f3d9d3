import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { isAbsolute, resolve } from 'path';
import { validateBackupPrefix } from './keys';

/** A filesystem backup repository's settings. */
export interface FilesystemRepositoryConfig {
  type: 'filesystem';
  path: string;
}

/** An S3-compatible backup repository's settings. */
export interface S3RepositoryConfig {
  type: 's3';
  endpoint?: string;
  region: string;
  bucket: string;
  prefix?: string;
  accessKeyId: string;
  secretAccessKey: string;
  forcePathStyle: boolean;
}

/** One configured backup repository. */
export type BackupRepositoryConfig =
  | FilesystemRepositoryConfig
  | S3RepositoryConfig;

const ROOT_KEY = 'basalt.backups.repositories';
const NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

/**
 * Reads `basalt.backups.repositories`, keyed by repository name. When none is
 * configured there is one, `default`, a filesystem repository at
 * `options.defaultPath`.
 *
 * @throws InputError naming the config key of a missing or bad value.
 */
export function readRepositoryConfig(
  root: Config,
  options: { defaultPath: string },
): Record<string, BackupRepositoryConfig> {
  const section = optional(ROOT_KEY, key => root.getOptionalConfig(key));
  const names = section?.keys() ?? [];
  if (names.length === 0) {
    return {
      default: { type: 'filesystem', path: resolve(options.defaultPath) },
    };
  }
  const repositories: Record<string, BackupRepositoryConfig> = {};
  for (const name of names) {
    const at = `${ROOT_KEY}.${name}`;
    if (!NAME.test(name)) {
      throw new InputError(
        `Invalid backup repository name at ${at}: use lowercase letters, digits and dashes`,
      );
    }
    const config = optional(at, key => root.getConfig(key));
    repositories[name] = readOne(config, at);
  }
  return repositories;
}

function readOne(config: Config, at: string): BackupRepositoryConfig {
  const type = requiredString(config, at, 'type');
  switch (type) {
    case 'filesystem': {
      const path = requiredString(config, at, 'path');
      if (!isAbsolute(path)) {
        throw new InputError(
          `Invalid config at ${at}.path: must be an absolute path, got '${path}'`,
        );
      }
      return { type, path: resolve(path) };
    }
    case 's3': {
      const endpoint = optionalString(config, at, 'endpoint');
      if (endpoint !== undefined) checkEndpoint(endpoint, `${at}.endpoint`);
      const prefix = optionalString(config, at, 'prefix')?.replace(
        /^\/+|\/+$/g,
        '',
      );
      if (prefix) {
        try {
          validateBackupPrefix(prefix);
        } catch {
          throw new InputError(
            `Invalid config at ${at}.prefix: must be a relative path without empty, '.' or '..' segments, got '${prefix}'`,
          );
        }
      }
      return {
        type,
        endpoint,
        region: requiredString(config, at, 'region'),
        bucket: requiredString(config, at, 'bucket'),
        prefix: prefix || undefined,
        accessKeyId: requiredString(config, at, 'accessKeyId'),
        secretAccessKey: requiredString(config, at, 'secretAccessKey'),
        forcePathStyle:
          optional(`${at}.forcePathStyle`, () =>
            config.getOptionalBoolean('forcePathStyle'),
          ) ?? false,
      };
    }
    default:
      throw new InputError(
        `Invalid config at ${at}.type: must be 'filesystem' or 's3', got '${type}'`,
      );
  }
}

/** Runs a config read, turning the reader's errors into InputErrors. */
function optional<T>(key: string, read: (key: string) => T): T {
  try {
    return read(key);
  } catch (error) {
    throw new InputError(
      `Invalid config at ${key}: ${(error as Error).message}`,
    );
  }
}

function optionalString(
  config: Config,
  at: string,
  key: string,
): string | undefined {
  const value = optional(`${at}.${key}`, () => config.getOptionalString(key));
  return value === undefined || value.trim() === '' ? undefined : value;
}

function requiredString(config: Config, at: string, key: string): string {
  const value = optionalString(config, at, key);
  if (value === undefined) {
    throw new InputError(`Missing config value at ${at}.${key}`);
  }
  return value;
}

function checkEndpoint(endpoint: string, at: string) {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new InputError(`Invalid config at ${at}: not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InputError(`Invalid config at ${at}: must be an http(s) URL`);
  }
  if (url.username || url.password) {
    throw new InputError(
      `Invalid config at ${at}: put credentials in accessKeyId and secretAccessKey, not in the URL`,
    );
  }
}
