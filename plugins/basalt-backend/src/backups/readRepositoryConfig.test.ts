import { ConfigReader } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { JsonValue } from '@backstage/types';
import { readRepositoryConfig } from './readRepositoryConfig';

function read(repositories: JsonValue) {
  return readRepositoryConfig(
    new ConfigReader({ basalt: { backups: { repositories } } }),
    { defaultPath: '/var/basalt/backups' },
  );
}

const s3 = {
  type: 's3',
  region: 'eu-west-0',
  bucket: 'backups',
  accessKeyId: 'AK',
  secretAccessKey: 'SK',
};

describe('readRepositoryConfig', () => {
  it('defaults to one filesystem repository named default', () => {
    const expected = {
      default: { type: 'filesystem', path: '/var/basalt/backups' },
    };
    expect(
      readRepositoryConfig(new ConfigReader({}), {
        defaultPath: '/var/basalt/backups',
      }),
    ).toEqual(expected);
    expect(read({})).toEqual(expected);
  });

  it('reads filesystem and s3 repositories', () => {
    expect(
      read({
        local: { type: 'filesystem', path: '/srv/backups/' },
        obs: {
          ...s3,
          endpoint: 'https://obs.example.com',
          prefix: '/basalt/prod/',
          forcePathStyle: true,
        },
        aws: s3,
      }),
    ).toEqual({
      local: { type: 'filesystem', path: '/srv/backups' },
      obs: {
        ...s3,
        endpoint: 'https://obs.example.com',
        prefix: 'basalt/prod',
        forcePathStyle: true,
      },
      aws: {
        ...s3,
        endpoint: undefined,
        prefix: undefined,
        forcePathStyle: false,
      },
    });
  });

  it.each([
    [{ x: { path: '/a' } }, 'basalt.backups.repositories.x.type'],
    [
      { x: { type: 'tape' } },
      "basalt.backups.repositories.x.type: must be 'filesystem' or 's3', got 'tape'",
    ],
    [{ x: { type: 'filesystem' } }, 'basalt.backups.repositories.x.path'],
    [
      { x: { type: 'filesystem', path: 'rel' } },
      'basalt.backups.repositories.x.path: must be an absolute path',
    ],
    [
      { x: { type: 'filesystem', path: 7 } },
      'basalt.backups.repositories.x.path',
    ],
    [
      { x: { ...s3, bucket: undefined } },
      'basalt.backups.repositories.x.bucket',
    ],
    [{ x: { ...s3, region: '' } }, 'basalt.backups.repositories.x.region'],
    [
      { x: { ...s3, secretAccessKey: undefined } },
      'basalt.backups.repositories.x.secretAccessKey',
    ],
    [
      { x: { ...s3, endpoint: 'obs.example.com' } },
      'basalt.backups.repositories.x.endpoint',
    ],
    [
      { x: { ...s3, endpoint: 'ftp://obs.example.com' } },
      'basalt.backups.repositories.x.endpoint',
    ],
    [
      { x: { ...s3, endpoint: 'https://a:b@obs.example.com' } },
      'basalt.backups.repositories.x.endpoint',
    ],
    [
      { x: { ...s3, prefix: 'a/../b' } },
      'basalt.backups.repositories.x.prefix',
    ],
    [
      { x: { ...s3, forcePathStyle: 'maybe' } },
      'basalt.backups.repositories.x.forcePathStyle',
    ],
    [
      { Bad_Name: { type: 'filesystem', path: '/a' } },
      'basalt.backups.repositories.Bad_Name',
    ],
    [{ x: 'filesystem' }, 'basalt.backups.repositories.x'],
  ])('rejects %j with an InputError naming %s', (repositories, message) => {
    let error: unknown;
    try {
      read(repositories);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toContain(message);
  });

  it('never puts a secret in its errors', () => {
    expect(() =>
      read({ x: { ...s3, secretAccessKey: 'top-secret', bucket: undefined } }),
    ).toThrow(
      expect.objectContaining({
        message: expect.not.stringContaining('top-secret'),
      }),
    );
  });
});
