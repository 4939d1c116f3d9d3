import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { promises as fs } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import S3rver from 's3rver';

/** s3rver's fixed credentials. */
export const S3RVER_CREDENTIALS = {
  accessKeyId: 'S3RVER',
  secretAccessKey: 'S3RVER',
};

/** A real S3-protocol server on loopback, storing objects in `directory`. */
export interface TestS3Server {
  endpoint: string;
  directory: string;
  /** A path-style client with the server's credentials. */
  client(): S3Client;
  stop(): Promise<void>;
}

/** Starts s3rver on a free loopback port with `bucket` created. */
export async function startS3rver(bucket: string): Promise<TestS3Server> {
  const directory = await fs.mkdtemp(join(tmpdir(), 'basalt-s3rver-'));
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    directory,
    silent: true,
  });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  const client = () =>
    new S3Client({
      endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: S3RVER_CREDENTIALS,
    });
  const admin = client();
  await admin.send(new CreateBucketCommand({ Bucket: bucket }));
  admin.destroy();
  return {
    endpoint,
    directory,
    client,
    stop: async () => {
      await server.close();
      await fs.rm(directory, { recursive: true, force: true });
    },
  };
}
