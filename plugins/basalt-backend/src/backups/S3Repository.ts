import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { NotFoundError } from '@backstage/errors';
import { Readable } from 'stream';
import { pipeline } from 'stream/promises';
import { BackupDigest } from './BackupCorruptedError';
import { BackupObject, BackupRepository } from './BackupRepository';
import { checkDigest, digestOf, DigestStream } from './digest';
import { byKey, validateBackupKey, validateBackupPrefix } from './keys';

/** Options of {@link S3Repository}. */
export interface S3RepositoryOptions {
  /**
   * The service's base URL, such as `https://obs.example.com` or
   * `http://127.0.0.1:9000`; AWS's regional endpoint when absent.
   */
  endpoint?: string;
  region: string;
  bucket: string;
  /** Prepended to every key, without leading or trailing slashes. */
  prefix?: string;
  accessKeyId: string;
  secretAccessKey: string;
  /**
   * Address buckets as `endpoint/bucket` rather than `bucket.endpoint`, as
   * MinIO and most self-hosted services need. Default false.
   */
  forcePathStyle?: boolean;
  /** Size of each multipart upload part in bytes; default and minimum 5 MiB. */
  partSize?: number;
}

const MIN_PART_SIZE = 5 * 1024 * 1024;

function isNotFound(error: unknown): boolean {
  if (error instanceof S3ServiceException) {
    return (
      error.name === 'NoSuchKey' || error.$metadata?.httpStatusCode === 404
    );
  }
  return (error as Error)?.name === 'NoSuchKey';
}

/**
 * A backup repository in an S3-compatible bucket (AWS S3, Huawei OBS, MinIO),
 * written through multipart uploads so an object appears only when complete.
 */
export class S3Repository implements BackupRepository {
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly prefix: string;
  private readonly partSize: number;
  private readonly location: string;

  static create(options: S3RepositoryOptions): S3Repository {
    return new S3Repository(options);
  }

  private constructor(options: S3RepositoryOptions) {
    this.client = new S3Client({
      endpoint: options.endpoint,
      region: options.region,
      forcePathStyle: options.forcePathStyle ?? false,
      credentials: {
        accessKeyId: options.accessKeyId,
        secretAccessKey: options.secretAccessKey,
      },
      // Newer SDKs add CRC checksums in streamed trailers by default, which
      // several S3-compatible services reject; we keep our own SHA-256.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    this.bucket = options.bucket;
    this.prefix = (options.prefix ?? '').replace(/^\/+|\/+$/g, '');
    this.partSize = Math.max(options.partSize ?? MIN_PART_SIZE, MIN_PART_SIZE);
    this.location = describeLocation(options, this.prefix);
  }

  describe(): string {
    return this.location;
  }

  async put(key: string, body: Readable): Promise<BackupDigest> {
    const objectKey = this.objectKey(key);
    const digest = new DigestStream();
    // The pipeline carries a failure of `body` into the upload, which then
    // aborts its multipart upload: nothing is left under the key.
    const piped = pipeline(body, digest);
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: objectKey, Body: digest },
      partSize: this.partSize,
      queueSize: 2,
      leavePartsOnError: false,
    });
    // When the upload fails first, stop reading the body too.
    const uploading = upload.done().catch(error => {
      digest.destroy(error);
      throw error;
    });
    const [uploaded, streamed] = await Promise.allSettled([uploading, piped]);
    // The body's own error says more than the upload's report of it.
    if (streamed.status === 'rejected') throw streamed.reason;
    if (uploaded.status === 'rejected') throw uploaded.reason;
    return digest.digest();
  }

  async get(key: string): Promise<Readable> {
    try {
      const response = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }),
      );
      return response.Body as Readable;
    } catch (error) {
      if (isNotFound(error)) {
        throw new NotFoundError(
          `Backup object ${key} not found in ${this.describe()}`,
        );
      }
      throw error;
    }
  }

  async verify(key: string, expected: BackupDigest): Promise<void> {
    checkDigest(key, expected, await digestOf(await this.get(key)));
  }

  async list(prefix: string): Promise<BackupObject[]> {
    validateBackupPrefix(prefix);
    const base = this.prefix ? `${this.prefix}/` : '';
    const objects: BackupObject[] = [];
    let continuationToken: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: `${base}${prefix}`,
          ContinuationToken: continuationToken,
        }),
      );
      for (const object of page.Contents ?? []) {
        if (!object.Key?.startsWith(base)) continue;
        objects.push({
          key: object.Key.slice(base.length),
          size: object.Size ?? 0,
          lastModified: object.LastModified ?? new Date(0),
        });
      }
      continuationToken = page.IsTruncated
        ? page.NextContinuationToken
        : undefined;
    } while (continuationToken);
    return objects.sort(byKey);
  }

  async delete(key: string): Promise<void> {
    try {
      await this.client.send(
        new DeleteObjectCommand({
          Bucket: this.bucket,
          Key: this.objectKey(key),
        }),
      );
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }

  /** Closes the client's connections. */
  destroy(): void {
    this.client.destroy();
  }

  private objectKey(key: string): string {
    validateBackupKey(key);
    return this.prefix ? `${this.prefix}/${key}` : key;
  }
}

function describeLocation(options: S3RepositoryOptions, prefix: string) {
  const path = [options.bucket, prefix].filter(Boolean).join('/');
  if (!options.endpoint) {
    return `s3 s3://${path} (region ${options.region})`;
  }
  // An endpoint URL could carry user info; it must not reach logs.
  try {
    const url = new URL(options.endpoint);
    url.username = '';
    url.password = '';
    url.search = '';
    url.hash = '';
    return `s3 ${url.toString().replace(/\/+$/, '')}/${path}`;
  } catch {
    return `s3 ${path} (region ${options.region})`;
  }
}
