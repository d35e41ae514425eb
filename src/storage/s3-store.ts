import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { GetObjectCommandOutput, S3Client, S3ClientConfig } from '@aws-sdk/client-s3';
import { InvalidInput, NotFound } from '../errors.js';
import { cannotSwap, checkKey, checkRange, type ByteRange, type EngineAccess, type ListOptions, type ObjectInfo, type ObjectStore, type PutOptions, type Versioned } from './object-store.js';
import { OutsideStore } from './local-store.js';
import { engineCopies } from './engine-copies.js';
import { s3Fault, type S3Place } from './s3-faults.js';

/** How to reach the bucket; credentials come from the AWS SDK's usual sources unless given. */
export interface S3Options {
  /** e.g. `http://127.0.0.1:8333` for an S3-compatible server; AWS's own endpoint when left out. */
  endpoint?: string;
  /** Default: AWS_REGION, else `us-east-1`. */
  region?: string;
  /** Bucket in the path (`endpoint/bucket/key`) rather than the host name; default true with an endpoint. */
  pathStyle?: boolean;
  /** Keys given in code (tests); otherwise the environment, a profile, SSO or an instance role. */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Objects are uploaded in parts of this size when larger (default 8 MiB; S3's minimum is 5 MiB). */
  partBytes?: number;
  /** Server-side encryption asked of S3 on every object Silt writes (PUT and multipart upload). */
  serverSideEncryption?: ServerSideEncryption;
  /**
   * Whether the server honours `If-Match` on PUT (AWS S3, SeaweedFS, moto, MinIO do; default true).
   * False for one that ignores it: pointers are then swapped through the metadata store only.
   */
  ifMatch?: boolean;
}

/** SSE-S3 (`AES256`) or SSE-KMS (`aws:kms`, `aws:kms:dsse`, with a key id or S3's default key). */
export interface ServerSideEncryption {
  algorithm: 'AES256' | 'aws:kms' | 'aws:kms:dsse';
  kmsKeyId?: string;
  bucketKey?: boolean;
}

/** The PutObject / CreateMultipartUpload parameters asking for `sse`. */
function sseParams(sse: ServerSideEncryption | undefined): { ServerSideEncryption?: ServerSideEncryption['algorithm']; SSEKMSKeyId?: string; BucketKeyEnabled?: boolean } {
  if (!sse) return {};
  return {
    ServerSideEncryption: sse.algorithm,
    ...(sse.kmsKeyId ? { SSEKMSKeyId: sse.kmsKeyId } : {}),
    ...(sse.bucketKey !== undefined ? { BucketKeyEnabled: sse.bucketKey } : {}),
  };
}

type Sdk = typeof import('@aws-sdk/client-s3') & typeof import('@aws-sdk/lib-storage');
let sdk: Promise<Sdk> | undefined;
/** The AWS SDK, loaded when a project on S3 first needs it: most commands on a local folder never do. */
function loadSdk(): Promise<Sdk> {
  // Silt pins the SDK: its warning about the Node versions of future SDK releases is not the user's to act on.
  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
  // Bundled, a CommonJS module may come as its default export.
  const named = <T extends object>(m: T, key: string): T => (key in m ? m : (m as unknown as { default: T }).default);
  sdk ??= Promise.all([import('@aws-sdk/client-s3'), import('@aws-sdk/lib-storage')]).then(([s3, storage]) => ({ ...named(s3, 'S3Client'), ...named(storage, 'Upload') }));
  return sdk;
}

const DEFAULT_PART_BYTES = 8 << 20;
/** Requests a listing or a copy of many objects keeps in flight at once. */
const PARALLEL = 8;

/**
 * An object store on an S3 bucket (or a prefix of one), through the AWS SDK v3. A PUT is atomic on
 * S3 (readers see the old object or the new one), create-if-absent is a conditional PUT
 * (`If-None-Match: *`, which S3, SeaweedFS and moto honour: one racer wins, the rest get 412), and
 * large objects go up in parts, visible only once the upload completes.
 *
 * DuckDB reaches it through local copies: its S3 extension (httpfs) is not part of the DuckDB
 * that Silt embeds and cannot be installed without DuckDB's own extension host. `engineFiles`
 * downloads the objects a statement reads into a folder of this process (again only when an
 * object's ETag changed), and DuckDB writes Parquet into that folder, which `engineWritten` uploads.
 */
export class S3Store implements ObjectStore {
  readonly rootUri: string;
  readonly engine: EngineAccess = { inPlace: false, setup: [] };
  readonly fileIoProperties: Readonly<Record<string, string>>;
  readonly swaps: boolean;
  private readonly clientOptions: S3ClientConfig;
  private client: S3Client | undefined;
  private readonly place: S3Place;
  private readonly partBytes: number;
  private readonly sse: ReturnType<typeof sseParams>;
  private readonly copies = engineCopies(path.join(os.tmpdir(), `silt-s3-${randomUUID()}`));
  /** The ETag of each object whose copy is in the engine folder. */
  private readonly copied = new Map<string, string>();

  constructor(
    location: string,
    options: S3Options = {},
  ) {
    const { bucket, prefix } = parseS3Location(location);
    this.rootUri = `s3://${bucket}/${prefix}`;
    this.place = { bucket, prefix, endpoint: options.endpoint ?? 'AWS S3' };
    this.partBytes = Math.max(5 << 20, options.partBytes ?? DEFAULT_PART_BYTES);
    this.sse = sseParams(options.serverSideEncryption);
    this.swaps = options.ifMatch ?? true;
    const region = options.region ?? process.env['AWS_REGION'] ?? process.env['AWS_DEFAULT_REGION'] ?? 'us-east-1';
    const pathStyle = options.pathStyle ?? options.endpoint !== undefined;
    this.fileIoProperties = {
      ...(options.endpoint ? { 's3.endpoint': options.endpoint } : {}),
      's3.region': region,
      'client.region': region,
      's3.path-style-access': String(pathStyle),
      's3.force-virtual-addressing': String(!pathStyle),
    };
    this.clientOptions = {
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      region,
      forcePathStyle: pathStyle,
      ...(options.credentials ? { credentials: options.credentials } : {}),
      // S3-compatible servers do not all know the SDK's newer default checksums.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    };
  }

  uri(key: string): string {
    return this.rootUri + checkKey(key);
  }

  keyOf(uri: string): string {
    const normalized = uri.replace(/^s3a?:\/\//i, 's3://');
    if (!normalized.startsWith(this.rootUri)) throw new OutsideStore(uri, this.rootUri);
    return checkKey(normalized.slice(this.rootUri.length));
  }

  enginePath(key: string): string {
    return this.copies.pathOf(checkKey(key));
  }

  async engineFiles(keys: readonly string[]): Promise<string[]> {
    return mapLimit(keys, PARALLEL, async (key) => {
      const file = this.enginePath(key);
      const known = this.copied.get(key);
      const got = await this.send('read', key, (client, { GetObjectCommand }) =>
        client.send(new GetObjectCommand({ Bucket: this.place.bucket, Key: this.objectKey(key), ...(known ? { IfNoneMatch: known } : {}) })),
      ).catch((e: unknown) => {
        // 304: the copy made before is of this very object.
        if (known && statusOf(e) === 304) return undefined;
        throw e;
      });
      if (got) {
        await this.copies.write(file, body(got));
        this.copied.set(key, got.ETag ?? '');
      }
      return file;
    });
  }

  async engineFolder(prefix: string): Promise<string> {
    return this.copies.folder(this.enginePath(prefix));
  }

  async engineWritten(keys: readonly string[]): Promise<void> {
    await mapLimit(keys, 2, async (key) => {
      const file = this.enginePath(key);
      const etag = await this.upload(key, createReadStream(file));
      // The file stays as the copy DuckDB reads next, as long as the object is this upload.
      this.copied.set(key, etag);
    });
  }

  async engineDiscard(prefix: string, match: (key: string) => boolean): Promise<void> {
    await this.copies.discard(this.enginePath(prefix), prefix, match);
  }

  /** Removes the copies made for DuckDB. */
  async dispose(): Promise<void> {
    this.copied.clear();
    await this.copies.dispose();
  }

  async get(key: string): Promise<Buffer> {
    const got = await this.getObject('read', key);
    return Buffer.from(await got.Body!.transformToByteArray());
  }

  async getVersioned(key: string): Promise<Versioned | undefined> {
    try {
      const got = await this.getObject('read', key);
      return { data: Buffer.from(await got.Body!.transformToByteArray()), version: got.ETag ?? '' };
    } catch (e) {
      if (e instanceof NotFound) return undefined;
      throw e;
    }
  }

  async read(key: string, range: ByteRange): Promise<Buffer> {
    const stream = await this.stream(key, range);
    const chunks: Uint8Array[] = [];
    for await (const c of stream) chunks.push(new Uint8Array(c as Uint8Array));
    return Buffer.concat(chunks);
  }

  async stream(key: string, range: ByteRange = { offset: 0 }): Promise<Readable> {
    const { offset, length } = checkRange(key, range);
    if (length === 0 || (offset === 0 && length === undefined)) {
      if (length === 0) {
        await this.size(key); // NotFound when missing
        return Readable.from([]);
      }
      return body(await this.getObject('read', key));
    }
    const bytes = `bytes=${offset}-${length === undefined ? '' : offset + length - 1}`;
    try {
      return body(await this.getObject('read', key, bytes));
    } catch (e) {
      // 416: the range starts at or past the end of an object that is there.
      if (statusOf(e) === 416 || (e instanceof Error && e.name === 'InvalidRange')) return Readable.from([]);
      throw e;
    }
  }

  async put(key: string, data: Uint8Array | string, options: PutOptions = {}): Promise<boolean> {
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    if (options.ifMatch !== undefined && !this.swaps) throw cannotSwap(this, key);
    const condition = options.ifMatch !== undefined ? { IfMatch: options.ifMatch } : options.ifAbsent ? { IfNoneMatch: '*' } : undefined;
    if (!condition) {
      await this.send('write', key, (client, { PutObjectCommand }) => client.send(new PutObjectCommand({ Bucket: this.place.bucket, Key: this.objectKey(key), Body: bytes, ...this.sse })));
      return true;
    }
    for (let attempt = 0; ; attempt++) {
      try {
        await this.send('write', key, (client, { PutObjectCommand }) =>
          client.send(new PutObjectCommand({ Bucket: this.place.bucket, Key: this.objectKey(key), Body: bytes, ...condition, ...this.sse })),
        );
        return true;
      } catch (e) {
        const status = statusOf(e);
        // 412: the condition failed (someone else wrote first); 404 under If-Match: the object is gone.
        if (status === 412 || (status === 404 && options.ifMatch !== undefined)) return false;
        // 409: another conditional write to the key is in flight; S3 asks to retry.
        if (status === 409 && attempt < 10) {
          await new Promise((r) => setTimeout(r, 20 * (attempt + 1)));
          continue;
        }
        throw e;
      }
    }
  }

  async putStream(key: string, data: AsyncIterable<Uint8Array>): Promise<void> {
    await this.upload(key, Readable.from(data));
  }

  async list(prefix: string, _options: ListOptions = {}): Promise<ObjectInfo[]> {
    const out: ObjectInfo[] = [];
    let token: string | undefined;
    do {
      const page = await this.send('list', prefix, (client, { ListObjectsV2Command }) =>
        client.send(new ListObjectsV2Command({ Bucket: this.place.bucket, Prefix: this.place.prefix + checkKey(prefix.replace(/\/$/, '')) + (prefix.endsWith('/') ? '/' : ''), ContinuationToken: token })),
      );
      for (const o of page.Contents ?? []) {
        out.push({ key: o.Key!.slice(this.place.prefix.length), size: o.Size ?? 0, modifiedMs: o.LastModified?.getTime() ?? 0 });
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    // S3 sorts by UTF-8 bytes; the contract's order is code units.
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async delete(key: string): Promise<void> {
    await this.send('delete', key, (client, { DeleteObjectCommand }) => client.send(new DeleteObjectCommand({ Bucket: this.place.bucket, Key: this.objectKey(key) })));
    if (this.copied.delete(key)) await fs.rm(this.enginePath(key), { force: true });
  }

  async exists(key: string): Promise<boolean> {
    return this.head(key).then(
      () => true,
      (e: unknown) => {
        if (e instanceof NotFound) return false;
        throw e;
      },
    );
  }

  async size(key: string): Promise<number> {
    return (await this.head(key)).ContentLength ?? 0;
  }

  async sha256(key: string): Promise<string> {
    const hash = createHash('sha256');
    await pipeline(await this.stream(key), hash);
    return hash.digest('hex');
  }

  private head(key: string) {
    return this.send('read', key, (client, { HeadObjectCommand }) => client.send(new HeadObjectCommand({ Bucket: this.place.bucket, Key: this.objectKey(key) })));
  }

  private getObject(verb: string, key: string, range?: string): Promise<GetObjectCommandOutput> {
    return this.send(verb, key, (client, { GetObjectCommand }) => client.send(new GetObjectCommand({ Bucket: this.place.bucket, Key: this.objectKey(key), Range: range })));
  }

  /** Uploads a stream as one object, in parts when large; returns its ETag. Nothing appears if the stream fails. */
  private async upload(key: string, data: Readable): Promise<string> {
    const done = await this.send('write', key, (client, { Upload }) =>
      new Upload({ client, params: { Bucket: this.place.bucket, Key: this.objectKey(key), Body: data, ...this.sse }, partSize: this.partBytes, queueSize: 4 }).done(),
    );
    return done.ETag ?? '';
  }

  /** Runs a request, turning S3's answers into Silt's errors naming the object. */
  private async send<T>(verb: string, key: string, request: (client: S3Client, sdk: Sdk) => Promise<T>): Promise<T> {
    const loaded = await loadSdk();
    this.client ??= new loaded.S3Client(this.clientOptions);
    try {
      return await request(this.client, loaded);
    } catch (e) {
      throw s3Fault(e, verb, key, this.place);
    }
  }

  private objectKey(key: string): string {
    return this.place.prefix + checkKey(key);
  }
}

/** `s3://bucket/some/prefix` as its bucket and its key prefix (`some/prefix/`, or empty). */
export function parseS3Location(location: string): { bucket: string; prefix: string } {
  const m = /^s3:\/\/([^/]+)(\/.*)?$/i.exec(location.trim());
  if (!m || !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(m[1]!)) {
    throw new InvalidInput(`config: storage location ${JSON.stringify(location)} is not s3://BUCKET/PREFIX with a bucket name of lowercase letters, digits, dots and dashes`);
  }
  const parts = (m[2] ?? '').split('/').filter((p) => p.length > 0);
  return { bucket: m[1]!, prefix: parts.length ? `${checkKey(parts.join('/'))}/` : '' };
}

function body(got: GetObjectCommandOutput): Readable {
  return got.Body instanceof Readable ? got.Body : Readable.from([]);
}

function statusOf(e: unknown): number | undefined {
  const meta = (e as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata;
  return meta?.httpStatusCode ?? ((e as { cause?: unknown })?.cause ? statusOf((e as { cause: unknown }).cause) : undefined);
}

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
