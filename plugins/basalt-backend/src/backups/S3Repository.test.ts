import {
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { Readable } from 'stream';
import { S3Repository } from './S3Repository';
import {
  S3RVER_CREDENTIALS,
  startS3rver,
  TestS3Server,
} from '../__testUtils__/s3rver';
import { describeRepositoryContract } from './__testUtils__/describeRepositoryContract';

const { accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET_ACCESS_KEY } =
  S3RVER_CREDENTIALS;
const BUCKET = 'basalt-backups';

describe('S3Repository', () => {
  let s3: TestS3Server | undefined;
  let endpoint: string;
  let raw: S3Client;
  const repositories: S3Repository[] = [];
  let counter = 0;

  beforeAll(async () => {
    s3 = await startS3rver(BUCKET);
    endpoint = s3.endpoint;
    raw = s3.client();
  }, 30_000);

  afterAll(async () => {
    for (const repository of repositories) repository.destroy();
    raw?.destroy();
    await s3?.stop();
  });

  function create(prefix: string) {
    const repository = S3Repository.create({
      endpoint,
      region: 'us-east-1',
      bucket: BUCKET,
      prefix,
      accessKeyId: ACCESS_KEY_ID,
      secretAccessKey: SECRET_ACCESS_KEY,
      forcePathStyle: true,
    });
    repositories.push(repository);
    return repository;
  }

  describeRepositoryContract('S3Repository', async () => {
    // A prefix per test keeps tests apart in the one bucket.
    const prefix = `tests/run-${++counter}`;
    return {
      repository: create(prefix),
      overwriteRaw: async (key, bytes) => {
        await raw.send(
          new PutObjectCommand({
            Bucket: BUCKET,
            Key: `${prefix}/${key}`,
            Body: bytes,
          }),
        );
      },
      rawEntries: async () => {
        const listed = await raw.send(
          new ListObjectsV2Command({ Bucket: BUCKET, Prefix: `${prefix}/` }),
        );
        return (listed.Contents ?? []).map(object => object.Key!).sort();
      },
      secrets: [SECRET_ACCESS_KEY, `:${SECRET_ACCESS_KEY}`],
    };
  });

  it('describes itself by endpoint, bucket and prefix', () => {
    expect(create('/nightly/').describe()).toBe(
      `s3 ${endpoint}/${BUCKET}/nightly`,
    );
    expect(create('').describe()).toBe(`s3 ${endpoint}/${BUCKET}`);
  });

  it('never shows credentials, even in an endpoint URL', () => {
    const repository = S3Repository.create({
      endpoint: 'https://user:hunter2@objects.example.com/',
      region: 'eu-west-0',
      bucket: 'b',
      accessKeyId: 'AKIDEXAMPLE',
      secretAccessKey: 'wJalrXUtnFEMI',
    });
    repositories.push(repository);
    const description = repository.describe();
    expect(description).toBe('s3 https://objects.example.com/b');
    for (const secret of ['hunter2', 'user', 'AKIDEXAMPLE', 'wJalrXUtnFEMI']) {
      expect(description).not.toContain(secret);
    }
  });

  it('writes under its prefix only', async () => {
    const repository = create('isolated/prefix');
    await repository.put('team/db/b-1/dump.sql', Readable.from(['x']));
    const listed = await raw.send(
      new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'isolated/' }),
    );
    expect(listed.Contents?.map(o => o.Key)).toEqual([
      'isolated/prefix/team/db/b-1/dump.sql',
    ]);
  });
});
