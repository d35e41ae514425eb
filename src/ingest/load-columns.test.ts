import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { InvalidInput } from '../errors.js';
import { withLake, type Lake } from '../testing/lake.js';
import { query } from '../testing/bronze.js';
import { loadFiles, type LoadOptions } from './load.js';
import { loadColumnHints, parseTypesFlag } from './load-columns.js';

const SHIPMENTS = 'id,shipped_at,amount,day\n1,03/04/2026 10:15,1.50,01/02/2026\n2,TBD,NA,-\n3,04/04/2026 11:00,2.25,02/02/2026\n';

async function load(lake: Lake, name: string, text: string, opts: LoadOptions) {
  const file = path.join(lake.dir, name);
  await writeFile(file, text);
  return { file, result: await loadFiles(lake.catalog, lake.engine, [file], opts) };
}

test('--types, --timestamp-format, --date-format and --nulls type the columns, and the tokens load as NULL', async () => {
  await withLake(async (lake) => {
    const columns = await loadColumnHints({
      types: 'amount=decimal(12,2)',
      timestampFormat: '%d/%m/%Y %H:%M',
      dateFormat: '%d/%m/%Y',
      nulls: 'TBD,NA,-',
    });
    const { result } = await load(lake, 's.csv', SHIPMENTS, { into: 'raw.s', columns });
    assert.equal(result.rowsWritten, 3);
    assert.deepEqual(result.warnings, []);
    const table = await lake.catalog.loadTable('raw', 's');
    const types = Object.fromEntries(table.metadata.schemas.at(-1)!.fields.map((f) => [f.name, f.type]));
    assert.deepEqual(types, { id: 'long', shipped_at: 'timestamp', amount: 'decimal(12, 2)', day: 'date' });
    assert.deepEqual(await query(lake, 'SELECT id, CAST(shipped_at AS VARCHAR) AS t, CAST(amount AS VARCHAR) AS a, CAST(day AS VARCHAR) AS d FROM raw.s ORDER BY id'), [
      { id: '1', t: '2026-04-03 10:15:00', a: '1.50', d: '2026-02-01' },
      { id: '2', t: null, a: null, d: null },
      { id: '3', t: '2026-04-04 11:00:00', a: '2.25', d: '2026-02-02' },
    ]);
  });
});

test('a value that does not fit the given type is a reject naming its line, never a NULL', async () => {
  await withLake(async (lake) => {
    const columns = await loadColumnHints({ types: 'shipped_at=timestamp', timestampFormat: '%Y-%m-%d %H:%M' });
    // The format matches none of the values: every one is a reject, and the load names the first.
    await assert.rejects(load(lake, 'a.csv', SHIPMENTS, { into: 'raw.a', columns }), (e: Error) => {
      assert.ok(e instanceof InvalidInput);
      assert.match(e.message, /a\.csv line 2 column shipped_at: cannot convert "03\/04\/2026 10:15" to TIMESTAMP \(and 2 more bad lines\); nothing was loaded/);
      return true;
    });
    assert.equal(await lake.catalog.tableExists('raw', 'a'), false);
    // With --max-rejects the good rows load and each bad one is listed with its line.
    const fixed = await loadColumnHints({ types: 'shipped_at=timestamp', timestampFormat: '%d/%m/%Y %H:%M' });
    const { result } = await load(lake, 'b.csv', SHIPMENTS, { into: 'raw.b', columns: fixed, maxRejects: 5 });
    assert.equal(result.rowsWritten, 2);
    assert.deepEqual(result.rejects.map((r) => [r.line, r.error]), [[3, 'column shipped_at: cannot convert "TBD" to TIMESTAMP']]);
  });
});

test('bad type names, formats and columns are refused before anything is read, naming what to write', async () => {
  await withLake(async (lake) => {
    const refused = async (flags: Parameters<typeof loadColumnHints>[0], message: RegExp, name = 'x.csv', text = SHIPMENTS) => {
      await assert.rejects(
        (async () => load(lake, name, text, { into: 'raw.x', columns: await loadColumnHints(flags) }))(),
        (e: Error) => e instanceof InvalidInput && message.test(e.message),
      );
    };
    await refused({ types: 'shipped_at=timestmp' }, /--types shipped_at=timestmp: "timestmp" is not a type; use a type such as string, int, long/);
    await refused({ types: 'shipped_at' }, /--types "shipped_at" is not column=TYPE/);
    await refused({ types: 'shipped=timestamp' }, /--types names column shipped, which .*x\.csv does not have; its columns: id, shipped_at, amount, day/);
    await refused({ timestampFormat: 'dd/mm/yyyy' }, /--timestamp-format "dd\/mm\/yyyy" has no %-directive/);
    await refused({ dateFormat: '%d/%Q' }, /--date-format "%d\/%Q" is not a strptime format/);
    await refused({ nulls: 'NA' }, /x\.json: column types, date\/timestamp formats and null tokens apply to CSV\/TSV files; this one is json/, 'x.json', '{"id": 1}\n');
    assert.equal(await lake.catalog.tableExists('raw', 'x'), false);
  });
});

test('--types keeps a decimal\'s comma, and a schema file gives the same hints in YAML or JSON', async () => {
  assert.deepEqual(parseTypesFlag('amount=decimal(12, 2),id=BIGINT'), { amount: 'decimal(12, 2)', id: 'BIGINT' });
  await withLake(async (lake) => {
    const yaml = path.join(lake.dir, 'schema.yaml');
    await writeFile(yaml, 'columns:\n  amount: decimal(12,2)\ntimestamp_format: "%d/%m/%Y %H:%M"\nnulls: [TBD, NA, "-"]\n');
    const hints = await loadColumnHints({ schema: yaml, types: 'id=int' });
    assert.deepEqual(hints, { types: { amount: 'decimal(12,2)', id: 'int' }, nulls: ['TBD', 'NA', '-'], timestampFormat: '%d/%m/%Y %H:%M' });
    const json = path.join(lake.dir, 'schema.json');
    await writeFile(json, JSON.stringify({ columns: { amount: 'decimal(12,2)' }, nulls: ['TBD', 'NA', '-'], timestamp_format: '%d/%m/%Y %H:%M' }));
    const { result } = await load(lake, 's.csv', SHIPMENTS, { into: 'raw.s', columns: await loadColumnHints({ schema: json }) });
    assert.equal(result.rowsWritten, 3);
    const bad = path.join(lake.dir, 'bad.yaml');
    await writeFile(bad, 'colums:\n  amount: int\n');
    await assert.rejects(loadColumnHints({ schema: bad }), /--schema .*bad\.yaml: unknown key "colums"; expected columns, timestamp_format, date_format, nulls/);
  });
});

test('a file whose columns are mostly not the table\'s asks for --evolve, naming the new columns; with it they are added', async () => {
  await withLake(async (lake) => {
    await load(lake, 'orders.csv', 'id,status,total\n1,new,10\n', { into: 'raw.orders' });
    // Two of three columns known: the new one is added as before.
    const near = await load(lake, 'more.csv', 'id,status,note\n2,paid,hi\n', { into: 'raw.orders' });
    assert.deepEqual(near.result.addedColumns, ['note']);
    const other = 'id,sku,warehouse,qty\n1,A-1,oslo,3\n';
    await assert.rejects(load(lake, 'stock.csv', other, { into: 'raw.orders' }), (e: Error) => {
      assert.ok(e instanceof InvalidInput);
      assert.match(e.message, /only 1 of the 4 columns of .*stock\.csv is in raw\.orders; loading would add 3 new columns \(sku, warehouse, qty\)\. Pass --evolve/);
      return true;
    });
    assert.deepEqual(await query(lake, 'SELECT count(*)::INT AS n FROM raw.orders'), [{ n: 2 }]);
    const evolved = await load(lake, 'stock2.csv', other, { into: 'raw.orders', evolve: true });
    assert.deepEqual(evolved.result.addedColumns, ['sku', 'warehouse', 'qty']);
  });
});
