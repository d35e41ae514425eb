import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { REPO_ROOT, siltOk } from '../testing/silt-process.js';
import type { Row } from './test-rows.js';

/** Where interop/engines.sh installed the engines (SILT_ENGINES_CACHE, else ~/.cache/silt-engines). */
export const CACHE = process.env['SILT_ENGINES_CACHE'] ?? path.join(os.homedir(), '.cache', 'silt-engines');
const PYTHON = path.join(CACHE, 'venv', 'bin', 'python');

/** Fails (never skips) when an engine is missing: these tests exist to run the real engines. */
export function requireEngines(): void {
  for (const p of [PYTHON, path.join(CACHE, `trino-server-476`, 'bin', 'launcher')]) {
    if (!existsSync(p)) throw new Error(`engines: ${p} is missing; run interop/engines.sh install`);
  }
}

/** What `silt connect ENGINE --catalog rest --format json` prints for the project in `dir`. */
export async function connectSettings(dir: string, engine: string, credential: string): Promise<any> {
  return JSON.parse(await siltOk(dir, 'connect', engine, '--catalog', 'rest', '--format', 'json', '--credential', credential));
}

/** A service principal `engines` that may do everything, as an organisation's engines would be set up; its `principal:token`. */
export async function enginesCredential(dir: string): Promise<string> {
  await siltOk(dir, 'principal', 'create', 'engines', '--service');
  await siltOk(dir, 'query', 'GRANT ALL PRIVILEGES ON CATALOG TO engines');
  const token = (await siltOk(dir, 'token', 'create', 'engines', '--note', 'engine tests')).split('\n')[0]!.trim();
  return `engines:${token}`;
}

export interface SqlAnswer {
  columns: string[];
  rows: Row[];
}

/** An engine process of interop/engine_repl.py: one JSON request at a time. */
export class Repl {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly lines: AsyncIterator<string>;
  private stderr = '';

  private constructor(
    readonly kind: string,
    private readonly child: ChildProcess,
  ) {
    this.lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
    child.stderr!.on('data', (d: Buffer) => (this.stderr = (this.stderr + d.toString()).slice(-8_000)));
  }

  static async start(kind: 'spark' | 'duckdb' | 'pyiceberg', settings: unknown): Promise<Repl> {
    const args = [path.join(REPO_ROOT, 'interop', 'engine_repl.py'), kind, JSON.stringify(settings)];
    if (kind === 'spark') args.push(readdirSync(path.join(CACHE, 'jars')).filter((f) => /^(iceberg-spark-runtime|sqlite-jdbc).*\.jar$/.test(f)).map((f) => path.join(CACHE, 'jars', f)).join(','));
    const repl = new Repl(kind, spawn(PYTHON, args, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, PYSPARK_PYTHON: PYTHON } }));
    await repl.next();
    return repl;
  }

  private async next(): Promise<any> {
    const { value, done } = await this.lines.next();
    if (done) throw new Error(`${this.kind} exited:\n${this.stderr}`);
    return JSON.parse(value);
  }

  /** Sends one request; its answer (a failed one too: `ok` false and `error`). */
  ask(req: Record<string, unknown>): Promise<any> {
    const answer = this.queue.then(async () => {
      this.child.stdin!.write(JSON.stringify(req) + '\n');
      return this.next();
    });
    this.queue = answer.catch(() => undefined);
    return answer;
  }

  /** Runs one statement; throws with the engine's error when it fails. */
  async sql(text: string): Promise<SqlAnswer> {
    const a = await this.ask({ op: 'sql', sql: text });
    if (!a.ok) throw new Error(`${this.kind}: ${text}\n${a.error}`);
    return a;
  }

  async stop(): Promise<void> {
    this.child.stdin!.end();
    const gone = new Promise((r) => this.child.once('exit', r));
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 20_000);
    await gone;
    clearTimeout(timer);
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** A Trino coordinator on a free loopback port with one catalog `silt` of the given properties. */
export class Trino {
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
    private readonly log: () => string,
  ) {}

  static async start(catalog: Record<string, string>, workDir: string): Promise<Trino> {
    const port = await freePort();
    const etc = path.join(workDir, 'etc');
    await mkdir(path.join(etc, 'catalog'), { recursive: true });
    const props = (o: Record<string, string>) => Object.entries(o).map(([k, v]) => `${k}=${v}`).join('\n') + '\n';
    await writeFile(path.join(etc, 'node.properties'), props({ 'node.environment': 'silt_test', 'node.id': 'silt-test-1', 'node.data-dir': path.join(workDir, 'data'), 'node.internal-address': '127.0.0.1' }));
    await writeFile(path.join(etc, 'jvm.config'), ['-server', '-Xmx2G', '-XX:+UseG1GC', '-XX:+ExitOnOutOfMemoryError', '-Djdk.attach.allowAttachSelf=true'].join('\n') + '\n');
    await writeFile(
      path.join(etc, 'config.properties'),
      props({
        coordinator: 'true',
        'node-scheduler.include-coordinator': 'true',
        'http-server.http.port': String(port),
        'discovery.uri': `http://127.0.0.1:${port}`,
        'query.max-memory': '1GB',
        'query.max-memory-per-node': '1GB',
      }),
    );
    await writeFile(path.join(etc, 'log.properties'), 'io.trino=WARN\n');
    await writeFile(path.join(etc, 'catalog', 'silt.properties'), props(catalog));
    const javaHome = process.env['TRINO_JAVA_HOME'] ?? path.join('/usr/lib/jvm', readdirSync('/usr/lib/jvm').find((d) => /25/.test(d))!);
    const child = spawn(path.join(CACHE, 'trino-server-476', 'bin', 'launcher'), ['run', `--etc-dir=${etc}`, `--data-dir=${path.join(workDir, 'data')}`], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, JAVA_HOME: javaHome, PATH: `${javaHome}/bin:${process.env['PATH']}` },
    });
    let log = '';
    const keep = (d: Buffer) => (log = (log + d.toString()).slice(-20_000));
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    const trino = new Trino(child, `http://127.0.0.1:${port}`, () => log);
    const deadline = Date.now() + 600_000; // minutes on a busy 2-core machine
    for (;;) {
      if (child.exitCode !== null) throw new Error(`trino exited ${child.exitCode}:\n${log.slice(-4_000)}`);
      if (Date.now() > deadline) {
        await trino.stop();
        throw new Error(`trino did not start within 600 s:\n${log.slice(-4_000)}`);
      }
      // Out of `starting`, Trino still refuses queries (NO_NODES_AVAILABLE) until its own node has
      // announced itself to discovery, which a loaded machine can take seconds to do.
      const info = await fetch(`${trino.url}/v1/info`).then((r) => r.json() as Promise<{ starting: boolean }>).catch(() => undefined);
      if (info && !info.starting && (await trino.sql('SELECT 1').then(() => true, () => false))) return trino;
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  /** Runs one statement through Trino's HTTP protocol: its rows as objects by column name. */
  async sql(text: string): Promise<SqlAnswer> {
    // PARAMETRIC_DATETIME: timestamps with all their digits (otherwise Trino rounds them to milliseconds).
    const headers = { 'X-Trino-User': 'silt', 'X-Trino-Catalog': 'silt', 'X-Trino-Time-Zone': 'UTC', 'X-Trino-Client-Capabilities': 'PARAMETRIC_DATETIME' };
    const submit = async (): Promise<any> => (await fetch(`${this.url}/v1/statement`, { method: 'POST', body: text, headers })).json();
    let res: any = await submit();
    // A fresh Trino runs SELECT 1 on the coordinator before its node is ready to scan a catalog's
    // tables: until then a scan fails at once (NO_NODES_AVAILABLE, or another error that is not the
    // statement's own), and may be sent again.
    for (const until = Date.now() + 120_000; res.error && res.error.errorType !== 'USER_ERROR' && Date.now() < until; res = await submit()) {
      await new Promise((r) => setTimeout(r, 1000));
    }
    let columns: { name: string; typeSignature: TypeSignature }[] | undefined;
    const data: unknown[][] = [];
    for (;;) {
      if (res.error) throw new Error(`trino: ${text}\n${res.error.errorName}: ${res.error.message}`);
      if (res.columns && !columns) columns = res.columns;
      if (res.data) data.push(...res.data);
      if (!res.nextUri) break;
      res = await (await fetch(res.nextUri, { headers })).json();
    }
    const cols = columns ?? [];
    return { columns: cols.map((c) => c.name), rows: data.map((r) => Object.fromEntries(cols.map((c, i) => [c.name, named(r[i], c.typeSignature)]))) };
  }

  async stop(): Promise<void> {
    const gone = new Promise((r) => this.child.once('exit', r));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 20_000);
    await gone;
    clearTimeout(timer);
  }

  logTail(): string {
    return this.log().slice(-4_000);
  }
}

interface TypeSignature {
  rawType: string;
  arguments: { kind: string; value: any }[];
}

/** Trino sends a row as an array of its fields' values: an object by field name, as the other engines read it. */
function named(v: unknown, sig: TypeSignature): unknown {
  if (v === null || v === undefined) return null;
  const arg = (i: number): TypeSignature => {
    const a = sig.arguments[i]!;
    return a.kind === 'NAMED_TYPE' ? a.value.typeSignature : a.value;
  };
  switch (sig.rawType) {
    case 'row':
      return Object.fromEntries(sig.arguments.map((a, i) => [a.value.fieldName?.name ?? `field${i}`, named((v as unknown[])[i], arg(i))]));
    case 'array':
      return (v as unknown[]).map((x) => named(x, arg(0)));
    case 'map':
      return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, named(x, arg(1))]));
    default:
      return v;
  }
}
