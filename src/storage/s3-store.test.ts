import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { test } from 'node:test';
import { createServer } from 'node:http';
import { EnvironmentFault, InvalidInput, isUnreachable } from '../errors.js';
import { openStore } from './open-store.js';
import { parseS3Location, S3Store } from './s3-store.js';
import { s3Server, s3TestStore, TEST_CREDENTIALS } from './s3-test-support.js';

test('an s3:// location is a bucket and a key prefix; anything else is refused naming it', () => {
  assert.deepEqual(parseS3Location('s3://lake-bucket'), { bucket: 'lake-bucket', prefix: '' });
  assert.deepEqual(parseS3Location('s3://lake-bucket/a/b/'), { bucket: 'lake-bucket', prefix: 'a/b/' });
  for (const bad of ['s3://', 's3://Upper/x', 's3://b/../x', 's3:/b/x']) {
    assert.throws(() => parseS3Location(bad), (e: unknown) => e instanceof InvalidInput && e.message.includes(JSON.stringify(bad)), bad);
  }
  const store = openStore('s3://lake-bucket/prod', { endpoint: 'http://127.0.0.1:9' });
  assert.equal(store.rootUri, 's3://lake-bucket/prod/');
  assert.equal(store.keyOf('s3://lake-bucket/prod/warehouse/t/data/a.parquet'), 'warehouse/t/data/a.parquet');
  assert.throws(() => store.keyOf('s3://lake-bucket/other/x'), /outside the store at s3:\/\/lake-bucket\/prod\//);
  assert.equal(store.fileIoProperties['s3.endpoint'], 'http://127.0.0.1:9');
  assert.equal(store.fileIoProperties['s3.path-style-access'], 'true');
});

test('an endpoint nobody answers on, or a missing bucket, is an EnvironmentFault saying what to fix', async () => {
  const port = await closedPort();
  const nowhere = new S3Store('s3://lake-bucket/prod', { endpoint: `http://127.0.0.1:${port}`, credentials: TEST_CREDENTIALS });
  await assert.rejects(nowhere.get('landing/a.csv'), (e: unknown) => {
    assert.ok(e instanceof EnvironmentFault, String(e));
    assert.match(e.message, new RegExp(`cannot reach S3 at http://127.0.0.1:${port} to read s3://lake-bucket/prod/landing/a.csv .*check storage\\.s3\\.endpoint`));
    assert.ok(isUnreachable(e), 'an outage, which a run waits out');
    return true;
  });
  const endpoint = await s3Server('moto');
  const noBucket = new S3Store('s3://no-such-bucket-here/prod', { endpoint, credentials: TEST_CREDENTIALS });
  await assert.rejects(noBucket.put('x', 'y'), (e: unknown) => {
    assert.ok(e instanceof EnvironmentFault, String(e));
    assert.match(e.message, /the bucket no-such-bucket-here does not exist at http:\/\/127\.0\.0\.1:\d+; create it, or correct storage\.location/);
    return true;
  });
});

test('a server that answers 503 past the SDK\'s retries (starting, stopping, overloaded) is an outage naming the endpoint', async () => {
  const server = createServer((_req, res) => res.writeHead(503, { 'content-type': 'application/xml' }).end('<Error><Code>ServiceUnavailable</Code><Message>starting</Message></Error>'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  try {
    const busy = new S3Store('s3://lake-bucket/prod', { endpoint, credentials: TEST_CREDENTIALS });
    await assert.rejects(busy.get('landing/a.csv'), (e: unknown) => {
      assert.ok(isUnreachable(e), String(e));
      assert.match((e as Error).message, new RegExp(`^storage: S3 at ${endpoint} answered 503 \\(ServiceUnavailable\\) to read s3://lake-bucket/prod/landing/a\\.csv; check that the server runs, then retry$`));
      return true;
    });
  } finally {
    server.close();
  }
});

test('DuckDB reads copies made once per object version, and what it writes is uploaded in parts when large', async () => {
  const { store, endpoint, bucket, cleanup } = await s3TestStore('moto', { partBytes: 5 << 20 });
  try {
    await store.put('landing/a.csv', 'x\n1\n');
    const [copy] = await store.engineFiles(['landing/a.csv']);
    assert.equal(readFileSync(copy!, 'utf8'), 'x\n1\n');
    assert.deepEqual(await store.engineFiles(['landing/a.csv']), [copy]);
    await store.put('landing/a.csv', 'x\n2\n');
    await store.engineFiles(['landing/a.csv']);
    assert.equal(readFileSync(copy!, 'utf8'), 'x\n2\n', 'a replaced object is copied again');

    // DuckDB writes into engineFolder; engineWritten makes the files objects (12 MiB: three parts).
    const folder = await store.engineFolder('warehouse/t/data');
    const big = new Uint8Array(12 << 20).fill(7);
    writeFileSync(`${folder}/big.parquet`, big);
    writeFileSync(`${folder}/failed.parquet`, 'half');
    await store.engineDiscard('warehouse/t/data', (k) => k.endsWith('failed.parquet'));
    await store.engineWritten(['warehouse/t/data/big.parquet']);
    assert.deepEqual((await store.list('warehouse/')).map((o) => [o.key, o.size]), [['warehouse/t/data/big.parquet', 12 << 20]]);
    assert.ok((await store.get('warehouse/t/data/big.parquet')).equals(big));
    const { S3Client, HeadObjectCommand } = await import('@aws-sdk/client-s3');
    const client = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: TEST_CREDENTIALS });
    const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: store.uri('warehouse/t/data/big.parquet').slice(`s3://${bucket}/`.length) }));
    client.destroy();
    assert.match(head.ETag ?? '', /-3"?$/, 'a multipart upload of three parts');
  } finally {
    await cleanup();
  }
});

/** A port of 127.0.0.1 that nothing listens on. */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

test('server-side encryption from storage.s3 is asked of S3 on every write: PUT, create-if-absent and multipart uploads', async () => {
  const { store, endpoint, bucket, cleanup } = await s3TestStore('moto', { partBytes: 5 << 20, serverSideEncryption: { algorithm: 'AES256' } });
  const plain = await s3TestStore('moto');
  try {
    await store.put('a.txt', 'a');
    await store.put('b.txt', 'b', { ifAbsent: true });
    const folder = await store.engineFolder('warehouse/t/data');
    writeFileSync(`${folder}/big.parquet`, new Uint8Array(6 << 20).fill(1));
    await store.engineWritten(['warehouse/t/data/big.parquet']);
    await plain.store.put('a.txt', 'a');
    const { S3Client, HeadObjectCommand } = await import('@aws-sdk/client-s3');
    const client = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: TEST_CREDENTIALS });
    try {
      const sseOf = async (s: S3Store, key: string) => {
        const objectKey = new URL(s.uri(key)).pathname.slice(1);
        return (await client.send(new HeadObjectCommand({ Bucket: bucket, Key: objectKey }))).ServerSideEncryption;
      };
      assert.deepEqual(await Promise.all(['a.txt', 'b.txt', 'warehouse/t/data/big.parquet'].map((k) => sseOf(store, k))), ['AES256', 'AES256', 'AES256']);
      assert.equal(await sseOf(plain.store, 'a.txt'), undefined, 'a store without the setting asks for none');
    } finally {
      client.destroy();
    }
  } finally {
    await cleanup();
    await plain.cleanup();
  }
});
