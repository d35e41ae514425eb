/** `silt query` with a running `silt serve` prints, writes and exits as it does without one. */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { finished, siltOk, startSilt, type SiltResult } from '../../testing/silt-process.js';
import { makeProject, removeProject } from '../../testing/temp-project.js';
import { ownerFetch } from '../../testing/serve-process.js';
import { readServerFile } from '../../server/index.js';
import { Engine, quoteLiteral } from '../../engine/index.js';

let dir: string;
let server: ChildProcess;
let url: string;

before(async () => {
  dir = await makeProject();
  await siltOk(dir, 'ns', 'create', 'shop');
  await siltOk(dir, 'query', "CREATE TABLE shop.items AS SELECT range::INTEGER AS id, 'item ' || range AS name, (range * 0.5)::DECIMAL(8,2) AS price, DATE '2024-03-01' + range::INTEGER AS day FROM range(1500)");
  server = startSilt(dir, ['serve', '--port', '0']);
  for (let i = 0; i < 200 && !readServerFile(dir); i++) await new Promise((r) => setTimeout(r, 50));
  url = readServerFile(dir)!.url;
  assert.ok(url, 'the server names itself in the project');
});

after(async () => {
  const done = finished(server);
  server.kill('SIGTERM');
  await done;
  await removeProject(dir);
});

function query(env: NodeJS.ProcessEnv, ...args: string[]): Promise<SiltResult> {
  return finished(startSilt(dir, ['query', ...args], env));
}

const ALONE = { SILT_NO_SERVER: '1' };
const SERVED = {};

test('the same output, files and exit codes with a server as without one', async () => {
  const cases: [NodeJS.ProcessEnv, string[]][] = [
    [{}, ['SELECT * FROM shop.items ORDER BY id']],
    [{}, ['SELECT id, name, price, day FROM shop.items WHERE id < 30 ORDER BY id', '--format', 'json']],
    [{ SILT_ERRORS: 'json' }, ['SELECT * FROM shop.nope']],
    [{}, ["SELECT * FROM read_csv('/etc/passwd')"]],
    [{}, ['SELEC 1']],
  ];
  const codes: (number | null)[] = [];
  for (const [env, args] of cases) {
    const [alone, served] = await Promise.all([query({ ...ALONE, ...env }, ...args), query({ ...SERVED, ...env }, ...args)]);
    const what = `silt query ${args.join(' ')} ${JSON.stringify(env)}`;
    assert.equal(served.code, alone.code, `${what}: exit code\n${served.stderr}`);
    assert.equal(served.stdout, alone.stdout, `${what}: stdout`);
    assert.equal(served.stderr, alone.stderr, `${what}: stderr`);
    codes.push(served.code);
  }
  assert.deepEqual(codes, [0, 0, 3, 1, 1], 'exit codes: ok, ok, not found, refused, invalid');
  const ran = ((await (await ownerFetch(dir, `${url}/v1/queries?limit=100`)).json()) as { queries: { sql: string }[] }).queries.map((q) => q.sql);
  for (const [, args] of cases) assert.ok(ran.includes(args[0]!), `the server ran ${args[0]}`);
  for (const format of ['csv', 'parquet']) {
    const outputs = await Promise.all(
      [ALONE, SERVED].map(async (env) => {
        const file = path.join(dir, `out-${Object.keys(env).length}.${format}`);
        const r = await query(env, 'SELECT * FROM shop.items ORDER BY id', '--format', format, '--output', file);
        assert.equal(r.code, 0, r.stderr);
        return { stdout: r.stdout.replace(file, 'FILE'), bytes: await readFile(file) };
      }),
    );
    assert.equal(outputs[1]!.stdout, outputs[0]!.stdout, `--format ${format} --output: what is printed`);
    if (format === 'parquet') {
      const engine = await Engine.open({});
      try {
        const read = (n: number) => engine.allJson(`SELECT * FROM read_parquet(${quoteLiteral(path.join(dir, `out-${n}.parquet`))}) ORDER BY id`);
        const types = (n: number) => engine.allJson(`DESCRIBE SELECT * FROM read_parquet(${quoteLiteral(path.join(dir, `out-${n}.parquet`))})`);
        assert.deepEqual(await read(0), await read(1), 'the Parquet files hold the same rows');
        assert.deepEqual(await types(0), await types(1), 'and the same column types');
        assert.equal((await read(0)).length, 1500);
      } finally {
        engine.close();
      }
    } else {
      assert.equal(outputs[1]!.bytes.toString('utf8'), outputs[0]!.bytes.toString('utf8'), `--format ${format} --output: the file`);
    }
  }
});

test('a write through the server commits once and prints what it did; --local and --stats work', async () => {
  const insert = "INSERT INTO shop.items SELECT 5000, 'late', 1.00, DATE '2024-12-31'";
  const served = await query(SERVED, insert);
  assert.equal(served.code, 0, served.stderr);
  const alone = await query(ALONE, insert);
  assert.equal(served.stdout, alone.stdout);
  assert.match(served.stdout, /1 row.*shop\.items/);
  const history = (await (await ownerFetch(dir, `${url}/v1/queries`)).json()) as { queries: { sql: string }[] };
  assert.ok(history.queries.some((q) => q.sql.startsWith('INSERT INTO shop.items')), 'the server ran it');
  const local = await query({}, 'SELECT count(*) AS n FROM shop.items', '--local', '--stats');
  assert.equal(local.code, 0, local.stderr);
  assert.match(local.stdout, /^n\n-+\n1502\n/);
  const stats = JSON.parse((await query(SERVED, 'SELECT count(*) FROM shop.items', '--stats')).stderr);
  assert.deepEqual(Object.keys(stats), Object.keys(JSON.parse(local.stderr)));
  assert.equal(stats.rows, 1);
  assert.ok(!(await (await ownerFetch(dir, `${url}/v1/queries`)).text()).includes('--local'));
  assert.ok(existsSync(path.join(dir, '.silt', 'server.json')));
});

test('Ctrl-C on silt query stops the statement on the server too', async () => {
  const sql = 'SELECT count(*) FROM range(100000000) a, range(100000000) b WHERE a.range + b.range = 7';
  const child = startSilt(dir, ['query', sql]);
  const done = finished(child);
  const history = async () => ((await (await ownerFetch(dir, `${url}/v1/queries?limit=5`)).json()) as { queries: { sql: string; status: string }[] }).queries.find((q) => q.sql === sql);
  for (let i = 0; i < 200 && (await history())?.status !== 'running'; i++) await new Promise((r) => setTimeout(r, 50));
  await new Promise((r) => setTimeout(r, 700)); // past the submit's wait, while it polls
  child.kill('SIGINT');
  const r = await done;
  assert.equal(r.code, 130);
  for (let i = 0; i < 40 && (await history())?.status === 'running'; i++) await new Promise((r) => setTimeout(r, 50));
  assert.equal((await history())?.status, 'cancelled');
});
