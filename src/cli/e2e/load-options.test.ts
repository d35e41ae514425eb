/** `silt load --types/--timestamp-format/--nulls/--schema` as a user runs it: rows typed, bad options refused. */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { assertCleanFailure, silt, siltOk } from '../../testing/silt-process.js';
import { withProject } from '../../testing/temp-project.js';

const SHIPMENTS = 'id,shipped_at,amount,status\n1,03/11/2026 10:30,12.50,ok\n2,TBD,NA,late\n3,04/11/2026 09:00,7,NA\n';
const rowsOf = (t: string) => `SELECT id, shipped_at, amount, status, typeof(shipped_at) AS t, typeof(amount) AS a FROM ${t}`;

test('silt load types a CSV by flags or by a schema file, and refuses a bad option or a misfit value naming it', async () => {
  await withProject(async (dir) => {
    await writeFile(path.join(dir, 'shipments.csv'), SHIPMENTS);
    await writeFile(path.join(dir, 'schema.yaml'), 'columns:\n  id: long\n  shipped_at: timestamp\n  amount: "decimal(10,2)"\ntimestamp_format: "%d/%m/%Y %H:%M"\nnulls: [NA, TBD]\n');

    const flags = await silt(dir, 'load', 'shipments.csv', '--into', 'raw.by_flags', '--types', 'amount=decimal(10,2)', '--timestamp-format', '%d/%m/%Y %H:%M', '--nulls', 'NA,TBD');
    assert.equal(flags.code, 0, flags.stderr);
    assert.match(flags.stdout, /created raw\.by_flags: 3 rows/);
    const bySchema = await silt(dir, 'load', 'shipments.csv', '--into', 'raw.by_schema', '--schema', 'schema.yaml');
    assert.equal(bySchema.code, 0, bySchema.stderr);

    const expected = [
      '{"id":1,"shipped_at":"2026-11-03 10:30:00","amount":12.50,"status":"ok","t":"TIMESTAMP","a":"DECIMAL(10,2)"}',
      '{"id":2,"shipped_at":null,"amount":null,"status":"late","t":"TIMESTAMP","a":"DECIMAL(10,2)"}',
      '{"id":3,"shipped_at":"2026-11-04 09:00:00","amount":7.00,"status":null,"t":"TIMESTAMP","a":"DECIMAL(10,2)"}',
    ];
    // One query reads both tables: the same rows, whichever way the types were given.
    const both = await siltOk(dir, 'query', `${rowsOf('raw.by_flags')} UNION ALL ${rowsOf('raw.by_schema')} ORDER BY id`, '--format', 'json');
    assert.deepEqual(both.split('\n').filter((l) => l !== ''), expected.flatMap((l) => [l, l]));

    assertCleanFailure(
      await silt(dir, 'load', 'shipments.csv', '--into', 'raw.bad_type', '--types', 'amount=decimall(10,2)'),
      'a type that is not one',
      /^silt: load: --types amount=decimall\(10,2\): "decimall\(10,2\)" is not a type; use a type such as/,
    );
    assertCleanFailure(
      await silt(dir, 'load', 'shipments.csv', '--into', 'raw.bad_format', '--timestamp-format', 'dd/mm/yyyy'),
      'a format with no directive',
      /--timestamp-format "dd\/mm\/yyyy" has no %-directive/,
    );
    // A value that does not fit: the file, line and column, named once, and nothing loaded.
    const misfit = await silt(dir, 'load', 'shipments.csv', '--into', 'raw.misfit', '--types', 'amount=int');
    assertCleanFailure(misfit, 'a value that is not an int', /^silt: load: shipments\.csv line 3 column amount: cannot convert "NA" to INTEGER; nothing was loaded/);
    assert.equal(misfit.code, 1);
    const list = await siltOk(dir, 'table', 'list');
    for (const t of ['raw.bad_type', 'raw.bad_format', 'raw.misfit']) assert.ok(!list.includes(t), `${t} was not created:\n${list}`);
  });
});
