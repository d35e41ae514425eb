import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { assertCleanFailure, silt, siltOk } from '../../testing/silt-process.js';
import { currentSnapshot, makeProject, removeProject } from '../../testing/temp-project.js';

/** A command that must fail with one clear line: exit code (when it matters) and what the line says. */
interface Case {
  name: string;
  args: string[];
  error: RegExp[];
  exit?: number;
}

const T = 'shop.orders';

const SQL_CASES: Case[] = [
  { name: 'a syntax error', args: ['query', 'SELEC * FROM shop.orders'], error: [/syntax error/i, /SELEC/] },
  { name: 'an unknown table', args: ['query', 'SELECT * FROM shop.nope'], error: [/shop\.nope/], exit: 3 },
  { name: 'an unknown namespace', args: ['query', 'SELECT * FROM nowhere.orders'], error: [/nowhere/], exit: 3 },
  { name: 'a table without namespace', args: ['query', 'SELECT * FROM orders'], error: [/orders/] },
  { name: 'an unknown column', args: ['query', `SELECT nope FROM ${T}`], error: [/nope/] },
  { name: 'read_csv()', args: ['query', "SELECT * FROM read_csv('x.csv')"], error: [/read_csv/] },
  { name: 'a file path as table', args: ['query', "SELECT * FROM 'x.parquet'"], error: [/x\.parquet/] },
  { name: 'COPY', args: ['query', `COPY ${T} TO 'out.csv'`], error: [/COPY/] },
  { name: 'ATTACH', args: ['query', "ATTACH 'other.db' AS other"], error: [/ATTACH/] },
  { name: 'INSTALL', args: ['query', 'INSTALL httpfs'], error: [/INSTALL/] },
  { name: 'two statements', args: ['query', 'SELECT 1; SELECT 2'], error: [/one statement/i] },
  { name: 'an unknown snapshot', args: ['query', `SELECT * FROM ${T} FOR VERSION AS OF 123`], error: [/123/], exit: 3 },
  { name: 'a time before the table', args: ['query', `SELECT * FROM ${T} FOR TIMESTAMP AS OF '2000-01-01 00:00:00'`], error: [/2000-01-01/], exit: 3 },
  { name: 'INSERT with too few values', args: ['query', `INSERT INTO ${T} VALUES (1)`], error: [/shop\.orders/, /column/] },
  { name: 'INSERT a string into a number', args: ['query', `INSERT INTO ${T} (id, ts, name) VALUES ('abc', TIMESTAMP '2024-01-01 00:00:00', 'x')`], error: [/abc/] },
  { name: 'CREATE TABLE over an existing one', args: ['query', `CREATE TABLE ${T} AS SELECT 1 AS x`], error: [/shop\.orders/, /exists/] },
  { name: 'DROP an unknown table', args: ['query', 'DROP TABLE shop.nope'], error: [/shop\.nope/], exit: 3 },
  { name: 'drop a partition source column', args: ['query', `ALTER TABLE ${T} DROP COLUMN ts`], error: [/\bts\b/, /partition/] },
  { name: 'narrow long to int', args: ['query', `ALTER TABLE ${T} ALTER COLUMN id TYPE INTEGER`], error: [/\bid\b/, /long/, /int/] },
  { name: 'long to string', args: ['query', `ALTER TABLE ${T} ALTER COLUMN id TYPE VARCHAR`], error: [/\bid\b/] },
  { name: 'rename onto an existing column', args: ['query', `ALTER TABLE ${T} RENAME COLUMN name TO id`], error: [/name/, /\bid\b/, /exists/] },
  { name: 'add an existing column', args: ['query', `ALTER TABLE ${T} ADD COLUMN name VARCHAR`], error: [/name/, /exists/] },
  { name: 'drop an unknown column', args: ['query', `ALTER TABLE ${T} DROP COLUMN nope`], error: [/nope/] },
  { name: 'a bad --format', args: ['query', 'SELECT 1', '--format', 'xml'], error: [/xml/] },
  { name: 'parquet without --output', args: ['query', `SELECT * FROM ${T}`, '--format', 'parquet'], error: [/--output/] },
  { name: 'rollback to an unknown snapshot', args: ['table', 'rollback', T, '42'], error: [/42/], exit: 3 },
  { name: 'rollback to a non-number', args: ['table', 'rollback', T, 'latest'], error: [/latest/] },
  { name: 'describe an unknown table', args: ['table', 'describe', 'shop.nope'], error: [/shop\.nope/], exit: 3 },
  { name: 'a table name with three parts', args: ['table', 'describe', 'a.b.c'], error: [/a\.b\.c/] },
  { name: 'drop a namespace that holds tables', args: ['ns', 'drop', 'shop'], error: [/shop/] },
  { name: 'create a namespace twice', args: ['ns', 'create', 'shop'], error: [/shop/, /exists/] },
  { name: 'vacuum with a bad --older-than', args: ['vacuum', '--older-than', 'soon'], error: [/soon/] },
  { name: 'expire with a bad --older-than', args: ['expire', '--older-than', '7 days'], error: [/expire: --older-than/, /7 days/], exit: 1 },
  { name: 'expire with --retain-last 0', args: ['expire', '--retain-last', '0'], error: [/--retain-last/], exit: 1 },
  { name: 'expire an unknown table', args: ['expire', 'shop.nope'], error: [/shop\.nope/], exit: 3 },
  { name: 'rewrite the manifests of an unknown table', args: ['rewrite-manifests', 'shop.nope'], error: [/shop\.nope/], exit: 3 },
];

const PARTITION_CASES: [string, RegExp][] = [
  ['day(nope)', /nope/],
  ['day(name)', /day/],
  ['bucket(x, id)', /bucket/],
  ['bucket(0, id)', /bucket/],
  ['truncate(0, name)', /truncate/],
  ['bogus(ts)', /bogus/],
  ['month(ts), month(ts)', /month/],
  ['day(ts', /day\(ts/],
];

describe('bad SQL, illegal schema changes, bad arguments: one line, non-zero exit, nothing changed', { concurrency: 2 }, () => {
  let dir = '';
  let snapshot: string | undefined;
  let describeBefore = '';
  before(async () => {
    dir = await makeProject();
    await writeFile(path.join(dir, 'orders.csv'), 'id,ts,name\n1,2024-01-01 10:00:00,a\n2,2024-01-02 11:00:00,b\n');
    await writeFile(path.join(dir, 'p.csv'), 'id,ts,name\n1,2024-01-01 10:00:00,a\n');
    await siltOk(dir, 'load', 'orders.csv', '--into', T, '--partition-by', 'day(ts)');
    snapshot = await currentSnapshot(dir, T);
    describeBefore = await siltOk(dir, 'table', 'describe', T);
  });
  after(async () => {
    // none of the failures above changed the table: same snapshot, same schema, same metadata file
    try {
      assert.equal(await currentSnapshot(dir, T), snapshot);
      assert.equal(await siltOk(dir, 'table', 'describe', T), describeBefore);
      assert.equal((await siltOk(dir, 'table', 'list')).trim(), T, 'failed loads left no table behind');
    } finally {
      await removeProject(dir);
    }
  });

  for (const c of SQL_CASES) {
    test(c.name, async () => {
      const r = await silt(dir, ...c.args);
      assertCleanFailure(r, `silt ${c.args.join(' ')}`, ...c.error);
      if (c.exit !== undefined) assert.equal(r.code, c.exit, `exit code of silt ${c.args.join(' ')}: ${r.stderr}`);
    });
  }
  for (const [spec, pattern] of PARTITION_CASES) {
    test(`--partition-by "${spec}"`, async () => {
      const table = `shop.p_${spec.replace(/\W+/g, '_')}`; // each failure leaves no table (checked after all)
      const r = await silt(dir, 'load', 'p.csv', '--into', table, '--partition-by', spec);
      assertCleanFailure(r, `--partition-by ${spec}`, /partition/, pattern);
    });
  }
});

describe('a bad silt.yaml: the error names the file, the key, what was found and what is expected', { concurrency: 2 }, () => {
  let root = '';
  before(async () => {
    root = await makeProject();
  });
  after(() => removeProject(root));

  const CONFIGS: [string, string, RegExp[]][] = [
    ['a misspelt key', 'name: x\nstorage:\n  locaton: ./lake\n', [/silt\.yaml/, /line 3/, /storage\.locaton/, /location/]],
    ['a wrong type', 'name: x\nstorage: 5\n', [/silt\.yaml/, /storage/, /5/, /mapping/]],
    ['a YAML syntax error', 'name: [x\n', [/silt\.yaml/, /line/]],
    ['a non-number', 'name: x\nengine:\n  threads: many\n', [/silt\.yaml/, /engine\.threads/, /many/, /number/]],
    ['an unsupported catalog URI', 'name: x\ncatalog:\n  uri: mysql://db/lake\n', [/silt\.yaml/, /catalog\.uri/, /mysql/]],
    ['an unknown top-level key', 'name: x\nstorag:\n  location: ./lake\n', [/silt\.yaml/, /storag/, /storage/]],
  ];
  for (const [name, yaml, patterns] of CONFIGS) {
    test(name, async () => {
      const dir = path.join(root, name.replace(/\W+/g, '-'));
      await mkdir(dir);
      await writeFile(path.join(dir, 'silt.yaml'), yaml);
      assertCleanFailure(await silt(dir, 'ns', 'list'), `silt.yaml: ${yaml}`, ...patterns);
    });
  }

  test('no project here or above', async () => {
    const r = await silt(path.dirname(root), 'ns', 'list');
    // the temp folder's parents hold no silt.yaml
    assertCleanFailure(r, 'no project', /silt\.yaml/, /silt init|--project/);
  });
});

test('usage errors exit 2 and say what was wrong, without a stack trace', async () => {
  const dir = path.dirname(new URL(import.meta.url).pathname);
  for (const args of [['bogus'], ['query'], ['load', 'x.csv'], ['table', 'rollback', 'a.b']]) {
    const r = await silt(dir, ...args);
    assert.equal(r.code, 2, `silt ${args.join(' ')}: ${r.stderr}`);
    assert.doesNotMatch(r.stderr, /^\s+at /m);
    assert.match(r.stderr, /^silt: (unknown command|missing required|required option|.*argument)/i);
  }
});
