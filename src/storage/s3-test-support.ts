import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after } from 'node:test';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import { S3Store, type S3Options } from './s3-store.js';

/** The S3 servers the object-store tests run on: both honour conditional writes. */
export type S3ServerKind = 'seaweedfs' | 'moto';

/** Keys the test servers accept (neither checks them). */
export const TEST_CREDENTIALS = { accessKeyId: 'silt-test', secretAccessKey: 'silt-test-secret' };

const ENV: Record<S3ServerKind, string> = { seaweedfs: 'SILT_TEST_SEAWEEDFS_ENDPOINT', moto: 'SILT_TEST_MOTO_ENDPOINT' };
const BINARY: Record<S3ServerKind, string> = { seaweedfs: 'weed', moto: 'moto_server' };
const NAME: Record<S3ServerKind, string> = { seaweedfs: 'SeaweedFS', moto: 'moto' };
const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const started = new Map<S3ServerKind, Promise<string>>();
const children: ChildProcess[] = [];
const folders: string[] = [];
// At the file's top level, so the runner calls it when all the file's tests are done.
after(stopAll);
process.once('exit', () => {
  for (const c of children) c.kill('SIGKILL');
});

/**
 * The S3 endpoint of a running server of this kind: the one `scripts/services/s3.sh start`
 * exported, else one this test process starts from `scripts/services/.venv` (or the PATH) and
 * stops when its tests end. Fails, saying how to get it, when neither is there.
 */
export function s3Server(kind: S3ServerKind): Promise<string> {
  const given = process.env[ENV[kind]];
  if (given) return Promise.resolve(given.replace(/\/$/, ''));
  let endpoint = started.get(kind);
  if (!endpoint) {
    endpoint = startServer(kind);
    started.set(kind, endpoint);
  }
  return endpoint;
}

/** The bucket the tests of this process use on each server, made on first use. */
const buckets = new Map<string, Promise<string>>();

/** A store on a fresh prefix of a test bucket on that server (each bucket costs SeaweedFS volumes). */
export async function s3TestStore(kind: S3ServerKind, options: Partial<S3Options> = {}): Promise<{ store: S3Store; endpoint: string; bucket: string; cleanup(): Promise<void> }> {
  const endpoint = await s3Server(kind);
  const bucket = await testBucket(endpoint);
  const store = new S3Store(`s3://${bucket}/${randomUUID()}`, { endpoint, region: 'us-east-1', credentials: TEST_CREDENTIALS, ...options });
  return { store, endpoint, bucket, cleanup: () => store.dispose() };
}

/** A bucket made for this process's tests on the server at `endpoint`. */
export function testBucket(endpoint: string): Promise<string> {
  let bucket = buckets.get(endpoint);
  if (!bucket) {
    bucket = (async () => {
      const name = `silt-test-${randomUUID().slice(0, 8)}`;
      const { S3Client, CreateBucketCommand } = await import('@aws-sdk/client-s3');
      const client = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: TEST_CREDENTIALS });
      await client.send(new CreateBucketCommand({ Bucket: name }));
      client.destroy();
      return name;
    })();
    buckets.set(endpoint, bucket);
  }
  return bucket;
}

function binary(kind: S3ServerKind): string {
  const inVenv = path.join(REPO, 'scripts', 'services', '.venv', 'bin', BINARY[kind]);
  if (existsSync(inVenv)) return inVenv;
  const onPath = (process.env['PATH'] ?? '').split(path.delimiter).map((d) => path.join(d, BINARY[kind])).find((f) => existsSync(f));
  if (onPath) return onPath;
  throw new Error(
    `${NAME[kind]} is not installed, so the S3 tests cannot run on it: run \`bash scripts/services/s3.sh install\` ` +
      `(or set ${ENV[kind]} to a running server's S3 endpoint, as \`eval "$(bash scripts/services/s3.sh start)"\` does)`,
  );
}

async function startServer(kind: S3ServerKind): Promise<string> {
  let exe = binary(kind);
  let args: string[];
  let port: number;
  if (kind === 'moto') {
    port = await freePort();
    // Served one request at a time: threaded, moto lets two conditional writes racing on a key both win.
    args = [path.join(REPO, 'scripts', 'services', 'moto-serial.py'), '127.0.0.1', String(port)];
    exe = path.join(path.dirname(exe), 'python');
  } else {
    const w = await seaweedfsArgs();
    port = w.port;
    args = w.args;
  }
  const endpoint = `http://127.0.0.1:${port}`;
  await spawnServing(kind, exe, args, endpoint);
  return endpoint;
}

/** A new data folder and free ports for SeaweedFS, and the arguments that start it on them. */
async function seaweedfsArgs(): Promise<{ port: number; args: string[] }> {
  // SeaweedFS also listens on each HTTP port + 10000 for gRPC.
  const [master, volume, filer, s3] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const dir = mkdtempSync(path.join(os.tmpdir(), 'silt-seaweedfs-'));
  folders.push(dir);
  const args = ['server', `-dir=${dir}`, '-ip=127.0.0.1', '-ip.bind=127.0.0.1', `-master.port=${master}`, `-volume.port=${volume}`, '-volume.max=0', '-master.volumeSizeLimitMB=64', '-filer', `-filer.port=${filer}`, '-s3', `-s3.port=${s3}`, '-s3.port.iceberg=0', '-s3.port.lance=0'];
  return { port: s3!, args };
}

/** Starts a server process and waits until it answers at `endpoint`. */
async function spawnServing(kind: S3ServerKind, exe: string, args: string[], endpoint: string): Promise<ChildProcess> {
  const child = spawn(exe, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  children.push(child);
  let log = '';
  child.stderr!.on('data', (d: Buffer) => {
    log = (log + d.toString()).slice(-4000);
  });
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${NAME[kind]} (${exe}) exited with ${child.exitCode} before it served S3:\n${log}`);
    if (await answers(endpoint)) return child;
    if (Date.now() > deadline) throw new Error(`${NAME[kind]} did not serve S3 at ${endpoint} within 60 s:\n${log}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A SeaweedFS of a test's own, which the test may kill and start again on the same ports and data. */
export interface OwnSeaweedfs {
  endpoint: string;
  /** SIGKILLs the server (it is gone when this resolves). */
  kill(): Promise<void>;
  /** Starts it again over the same data, resolving once it serves S3. */
  start(): Promise<void>;
}

export async function ownSeaweedfs(): Promise<OwnSeaweedfs> {
  const exe = binary('seaweedfs');
  const { port, args } = await seaweedfsArgs();
  const endpoint = `http://127.0.0.1:${port}`;
  let child = await spawnServing('seaweedfs', exe, args, endpoint);
  return {
    endpoint,
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await gone;
    },
    async start() {
      child = await spawnServing('seaweedfs', exe, args, endpoint);
    },
  };
}

async function stopAll(): Promise<void> {
  for (const c of children.splice(0)) {
    c.kill('SIGTERM');
    const gone = await Promise.race([new Promise((r) => c.once('exit', () => r(true))), new Promise((r) => setTimeout(() => r(false), 3000))]);
    // SeaweedFS may not exit on SIGTERM.
    if (!gone) c.kill('SIGKILL');
  }
  for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true });
  started.clear();
  buckets.clear();
}

async function answers(endpoint: string): Promise<boolean> {
  try {
    await fetch(endpoint, { signal: AbortSignal.timeout(1000) });
    return true;
  } catch {
    return false;
  }
}

/**
 * A free port of 127.0.0.1 with its +10000 free too, both below Linux's ephemeral range (32768 up),
 * where another test's outgoing connection could take one between this check and the server's bind.
 */
async function freePort(): Promise<number> {
  for (;;) {
    const port = 10000 + Math.floor(Math.random() * 12768);
    if ((await canBind(port)) && (await canBind(port + 10000))) return port;
  }
}

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
