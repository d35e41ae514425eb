/** CSV files whose first line is not a header: none, or Excel's sep= hint. No row is taken for a name unsaid. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withLake } from '../testing/lake.js';
import { ingestSource } from './bronze-ingest.js';
import { land, query } from '../testing/bronze.js';

const NO_HEADER = '1,alice,10\n2,bob,20\n3,carol,30\n';

test('a source declared header: false lands every line as a row, columns named by position', async () => {
  await withLake(async (lake) => {
    await land(lake.store, 'landing/people/p.csv', NO_HEADER);
    const r = await ingestSource(lake.catalog, lake.engine, 'people', { header: false }, { runId: 'r1' });
    assert.deepEqual([r.rowsIn, r.rowsWritten, r.rowsRejected], [3, 3, 0]);
    const rows = await query(lake, 'SELECT column_1, column_2, column_3, _source_line FROM bronze.people ORDER BY _source_line');
    assert.deepEqual(rows.map((x) => [x.column_1, x.column_2, x.column_3, Number(x._source_line)]), [
      ['1', 'alice', '10', 1],
      ['2', 'bob', '20', 2],
      ['3', 'carol', '30', 3],
    ]);
  });
});

test('a header of numbers is taken as names, with a warning that says how to declare a file without one', async () => {
  await withLake(async (lake) => {
    await land(lake.store, 'landing/people/p.csv', NO_HEADER);
    const r = await ingestSource(lake.catalog, lake.engine, 'people', {}, { runId: 'r1' });
    assert.equal(r.rowsWritten, 2);
    assert.match(r.warnings.join('\n'), /p\.csv: the header holds numbers \(1, 10\), so line 1 may be data.*set header: false on its source in silt\.yaml/);
  });
});

/**
 * Lands `bad` beside a good file; checks the bad one is one reject of the whole file matching
 * `reason`, and the good one lands with the columns id and name only.
 */
async function refusedWhole(bad: string, good: string, reason: RegExp): Promise<void> {
  await withLake(async (lake) => {
    await land(lake.store, 'landing/people/bad.csv', bad);
    await land(lake.store, 'landing/people/good.csv', good);
    const r = await ingestSource(lake.catalog, lake.engine, 'people', {}, { runId: 'r1' });
    assert.deepEqual([r.rowsWritten, r.rowsRejected], [1, 1]);
    const rejects = await query(lake, 'SELECT file, line, error FROM bronze.people_rejects');
    assert.deepEqual(rejects.map((x) => [x.file, x.line]), [['landing/people/bad.csv', null]]);
    assert.match(String(rejects[0]?.error), reason);
    const table = await lake.catalog.loadTable('bronze', 'people');
    assert.deepEqual(table.metadata.schemas.at(-1)?.fields.map((f) => f.name).filter((n) => !n.startsWith('_')), ['id', 'name']);
  });
}

test("a file starting with Excel's sep= line is rejected whole, saying what to do", async () => {
  await refusedWhole('sep=;\nid;name\n1;x\n', 'id;name\n2;y\n', /line 1 is Excel's "sep=;" hint, not CSV: delete that line/);
});

test('a CSV whose first line is blank or only spaces is rejected whole, and adds no column', async () => {
  await refusedWhole('   \n\n1,x\n', 'id,name\n2,y\n', /line 1 \(the header\) names no columns \(it is blank\)/);
});
