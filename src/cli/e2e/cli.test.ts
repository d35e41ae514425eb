import assert from 'node:assert/strict';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { diffParquet } from '../../testing/parquet-diff.js';
import { assertCleanFailure, queryCsv, queryNumber, silt, siltOk } from '../../testing/silt-process.js';
import { currentSnapshot, snapshots, withProject } from '../../testing/temp-project.js';

test('init writes a commented silt.yaml and the folders; a second init refuses', async () => {
  await withProject(async (dir) => {
    const yaml = await readFile(path.join(dir, 'silt.yaml'), 'utf8');
    assert.match(yaml, /^#/m, 'commented');
    assert.match(yaml, /^name: /m);
    assert.match(yaml, /^storage:\n(\s+#.*\n)*\s+location: /m);
    assert.match(yaml, /^catalog:\n(\s+#.*\n)*\s+uri: /m);
    assert.ok((await stat(path.join(dir, 'lake'))).isDirectory());
    assertCleanFailure(await silt(dir, 'init'), 'init twice', /silt\.yaml/, /exists/);

    const other = path.join(dir, 'nested', 'proj');
    await siltOk(dir, 'init', other);
    assert.ok((await stat(path.join(other, 'silt.yaml'))).isFile());
  });
});

test('commands find the project from a subfolder, or from --project', async () => {
  await withProject(async (dir) => {
    const sub = path.join(dir, 'work', 'deeper');
    await mkdir(sub, { recursive: true });
    await siltOk(sub, 'ns', 'create', 'from_sub');
    const elsewhere = path.dirname(dir);
    assert.equal((await siltOk(elsewhere, '--project', dir, 'ns', 'list')).trim(), 'from_sub');
    assert.equal((await siltOk(elsewhere, 'ns', 'list', '--project', dir)).trim(), 'from_sub');
    // a relative file given from the subfolder is read from the subfolder
    await writeFile(path.join(sub, 'x.csv'), 'id\n1\n2\n');
    await siltOk(sub, 'load', 'x.csv', '--into', 'from_sub.x');
    assert.equal(await queryNumber(dir, 'SELECT count(*) FROM from_sub.x'), 2);
  });
});

test('ns and table subcommands: create, list, describe, snapshots, rollback, drop', async () => {
  await withProject(async (dir) => {
    await siltOk(dir, 'ns', 'create', 'b');
    await siltOk(dir, 'ns', 'create', 'a');
    assertCleanFailure(await silt(dir, 'ns', 'create', 'a'), 'ns create twice', /\ba\b/, /exists/);
    await siltOk(dir, 'ns', 'create', 'a', '--if-not-exists');
    assert.deepEqual((await siltOk(dir, 'ns', 'list')).trim().split('\n').sort(), ['a', 'b']);

    await writeFile(path.join(dir, 'one.csv'), 'id,ts,v\n1,2024-01-01 00:00:00,x\n');
    await writeFile(path.join(dir, 'two.csv'), 'id,ts,v\n2,2024-01-02 00:00:00,y\n3,2024-01-03 00:00:00,z\n');
    const created = await siltOk(dir, 'load', 'one.csv', '--into', 'a.t', '--partition-by', 'day(ts)');
    assert.match(created, /1 rows?/);
    await siltOk(dir, 'load', 'two.csv', '--into', 'a.t');
    assert.equal((await siltOk(dir, 'table', 'list')).trim(), 'a.t');
    assert.equal((await siltOk(dir, 'table', 'list', 'b')).trim(), '');

    const d = await siltOk(dir, 'table', 'describe', 'a.t');
    assert.match(d, /day\(ts\)/);
    for (const [col, type] of [['id', 'long'], ['ts', 'timestamp'], ['v', 'string']]) assert.match(d, new RegExp(`\\b${col}\\s+${type}\\b`));
    const loc = /^location\s+(\S+)$/m.exec(d)![1]!;
    assert.ok((await stat(fileURLToPath(loc))).isDirectory(), 'location is the table folder');

    const history = await snapshots(dir, 'a.t');
    assert.equal(history.length, 2);
    assert.deepEqual(history.map((s) => s.operation), ['append', 'append']);
    assert.equal(history[1]!.parentId, history[0]!.id);
    assert.equal(await currentSnapshot(dir, 'a.t'), history[1]!.id);

    await siltOk(dir, 'table', 'rollback', 'a.t', history[0]!.id);
    assert.equal(await currentSnapshot(dir, 'a.t'), history[0]!.id);
    assert.equal(await queryNumber(dir, 'SELECT count(*) FROM a.t'), 1);
    assert.equal(await queryNumber(dir, `SELECT count(*) FROM a.t FOR VERSION AS OF ${history[1]!.id}`), 3);

    await siltOk(dir, 'query', 'DROP TABLE a.t');
    assert.equal((await siltOk(dir, 'table', 'list')).trim(), '');
    await siltOk(dir, 'ns', 'drop', 'b');
    assert.equal((await siltOk(dir, 'ns', 'list')).trim(), 'a');
    assertCleanFailure(await silt(dir, 'ns', 'drop', 'zzz'), 'drop unknown ns', /zzz/);
  });
});

test('connect pyiceberg --catalog sql --format json prints one JSON object of SQL catalog properties', async () => {
  await withProject(async (dir) => {
    const out = await siltOk(dir, 'connect', 'pyiceberg', '--catalog', 'sql', '--format', 'json');
    assert.equal(out.trim().split('\n').length, 1);
    const props = JSON.parse(out) as Record<string, string>;
    assert.equal(props['type'], 'sql');
    assert.match(props['uri']!, /^sqlite:\/\/\/.+\.db$/);
    assert.ok(path.isAbsolute(props['uri']!.slice('sqlite:///'.length - 1)), 'an absolute path, usable from any folder');
    assert.match(props['warehouse']!, /^file:\/\//);
    assertCleanFailure(await silt(dir, 'connect', 'flink'), 'unknown engine', /flink.*supported: pyiceberg, spark, trino, duckdb/);
  });
});

test("init's silt.yaml holds commented examples of a source, a silver contract and gold models, which plan once uncommented", async () => {
  await withProject(async (dir) => {
    const file = path.join(dir, 'silt.yaml');
    assert.match(await siltOk(dir, 'plan'), /^plan: 0 to create, 0 to change/m, 'as written, it declares nothing');
    // The examples are the commented lines `# sources:`, `# silver:`, `# gold:` and the indented lines under them
    // (the template's other examples, retention and exports, stay commented).
    let section = '';
    const yaml = (await readFile(file, 'utf8'))
      .split('\n')
      .map((line) => {
        const head = /^# (\w+):/.exec(line);
        if (head) section = head[1]!;
        else if (!/^#  /.test(line)) section = '';
        return ['sources', 'silver', 'gold'].includes(section) ? line.replace(/^# /, '') : line;
      })
      .join('\n');
    await writeFile(file, yaml);
    const sql = /holding `([^`]+)`/.exec(yaml)?.[1];
    assert.ok(sql, 'the gold comment gives a model to write');
    await writeFile(path.join(dir, 'models', 'daily_sales.sql'), sql);
    const plan = await siltOk(dir, 'plan');
    for (const table of ['bronze.orders', 'silver.orders', 'silver.orders_quarantine', 'gold.daily_sales']) {
      assert.match(plan, new RegExp(`^\\+ ${table.replace('.', '\\.')}\\s`, 'm'), table);
    }
    assert.match(plan, /^plan: 4 to create, 0 to change, 0 blocked/m);
  });
});

test('query output formats: table, csv, json, parquet; --output writes a file; a load stays quiet when piped', async () => {
  await withProject(async (dir) => {
    await writeFile(path.join(dir, 'p.csv'), 'id,name,price,day\n1,"Smith, J",2.5,2024-01-01\n2,plain,3,2024-01-02\n');
    const load = await silt(dir, 'load', 'p.csv', '--into', 'a.p');
    assert.equal(load.code, 0);
    assert.equal(load.stderr, '', 'no progress output when stderr is not a terminal');
    assert.equal(load.stdout.trim().split('\n').length, 1, 'one summary line');

    const sql = 'SELECT id, name, price, day FROM a.p ORDER BY id';
    const csv = await siltOk(dir, 'query', sql, '--format', 'csv');
    const csvLines = csv.trimEnd().split('\n');
    assert.deepEqual(csvLines.slice(0, 2), ['id,name,price,day', '1,"Smith, J",2.5,2024-01-01']);
    assert.match(csvLines[2]!, /^2,plain,3(\.0)?,2024-01-02$/);
    assert.equal(csvLines.length, 3);
    const json = (await siltOk(dir, 'query', sql, '--format', 'json')).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(json.length, 2);
    assert.equal(json[0]!['name'], 'Smith, J');
    assert.equal(json[0]!['id'], 1);
    assert.equal(json[1]!['price'], 3);
    assert.equal(json[1]!['day'], '2024-01-02');
    // Integers, counts and decimals are JSON numbers, with every digit of a HUGEINT kept.
    const typed = await siltOk(dir, 'query', "SELECT id, count(*) OVER () AS n, CAST(price AS DECIMAL(10,2)) AS amount, 12345678901234567890::HUGEINT AS big, 'x' AS s FROM a.p ORDER BY id LIMIT 1", '--format', 'json');
    assert.equal(typed, '{"id":1,"n":2,"amount":2.50,"big":12345678901234567890,"s":"x"}\n');
    const table = await siltOk(dir, 'query', sql);
    assert.match(table, /^id\s+name\s+price\s+day\s*$/m);
    assert.match(table, /Smith, J/);
    assert.match(table, /\(2 rows\)/);

    await siltOk(dir, 'query', sql, '--format', 'csv', '--output', 'out.csv');
    // the file holds what the terminal shows (a whole double may be spelled 3 or 3.0)
    const wholes = (text: string) => text.replace(/\.0(?=,|\n)/g, '');
    assert.equal(wholes(await readFile(path.join(dir, 'out.csv'), 'utf8')), wholes(csv));
    await siltOk(dir, 'query', sql, '--format', 'parquet', '--output', 'a.parquet');
    await siltOk(dir, 'query', 'SELECT * FROM a.p', '--format', 'parquet', '--output', 'b.parquet');
    const d = await diffParquet(path.join(dir, 'a.parquet'), path.join(dir, 'b.parquet'));
    assert.equal(d.rowsA, 2);
    assert.equal(d.onlyInA + d.onlyInB, 0);
  });
});

test('SQL writes each commit once: CTAS, INSERT, UPDATE, DELETE, time travel by timestamp', async () => {
  await withProject(async (dir) => {
    await siltOk(dir, 'query', 'CREATE TABLE s.t PARTITIONED BY (bucket(2, id)) AS SELECT range AS id, range * 2 AS v FROM range(10)');
    const t0 = (await snapshots(dir, 's.t'))[0]!;
    await siltOk(dir, 'query', 'INSERT INTO s.t VALUES (100, 1), (101, 2)');
    await siltOk(dir, 'query', 'UPDATE s.t SET v = -1 WHERE id < 3');
    await siltOk(dir, 'query', 'DELETE FROM s.t WHERE id = 100');
    // The DELETE rewrites the file holding id 100 (copy-on-write): the spec calls that an overwrite.
    assert.deepEqual((await snapshots(dir, 's.t')).map((s) => s.operation), ['append', 'append', 'overwrite', 'overwrite']);
    assert.deepEqual(await queryCsv(dir, 'SELECT count(*), sum(v) FROM s.t'), [['11', String(2 * (3 + 4 + 5 + 6 + 7 + 8 + 9) - 3 + 2)]]);
    // the first snapshot by timestamp: any time after its commit and before the next one
    const described = await siltOk(dir, 'table', 'snapshots', 's.t');
    const at = /\s(\S+Z)\s/.exec(described.split('\n').find((l) => l.includes(t0.id))!)![1]!;
    assert.equal(await queryNumber(dir, `SELECT count(*) FROM s.t FOR TIMESTAMP AS OF '${at}'`), 10);
  });
});

test('appending a file that lacks some of the table columns fills them with NULL', async () => {
  await withProject(async (dir) => {
    await writeFile(path.join(dir, 'full.csv'), 'id,name,amount\n1,a,1.5\n');
    await writeFile(path.join(dir, 'part.csv'), 'id,amount\n2,2.5\n');
    await siltOk(dir, 'load', 'full.csv', '--into', 'a.t');
    await siltOk(dir, 'load', 'part.csv', '--into', 'a.t');
    assert.deepEqual(await queryCsv(dir, 'SELECT id, name IS NULL, amount FROM a.t ORDER BY id'), [
      ['1', 'false', '1.5'],
      ['2', 'true', '2.5'],
    ]);
  });
});
