/** `records:` on a JSON source: one bronze row per element of each document's array at the path; a document without it is a reject. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withLake } from '../testing/lake.js';
import { land, query } from '../testing/bronze.js';
import { ingestSource } from './bronze-ingest.js';
import { sourcesSchema } from './source-config.js';

test('an API page {"data": [...]} becomes one row per element, numbered by record, with provenance', async () => {
  await withLake(async (lake) => {
    await land(lake.store, 'landing/pages/p1.json', JSON.stringify({ data: [{ id: 1, v: 'a' }, { id: 2, v: 'b' }], next: 'p2' }));
    // Pages one per line (NDJSON) read alike, numbered on across the file.
    await land(lake.store, 'landing/pages/p2.json', `${JSON.stringify({ data: [{ id: 3, v: 'c' }], next: 'p3' })}\n${JSON.stringify({ data: [{ id: 4, v: 'd' }], next: null })}\n`);
    await land(lake.store, 'landing/pages/p3.json', JSON.stringify({ items: [{ id: 9 }], next: null }));
    const r = await ingestSource(lake.catalog, lake.engine, 'pages', { format: 'json', records: '$.data' }, { runId: 'r1' });
    assert.deepEqual([r.rowsWritten, r.rowsRejected], [4, 1]);
    const rows = await query(lake, 'SELECT id, v, _source_file, _source_line FROM bronze.pages ORDER BY id');
    assert.deepEqual(rows.map((x) => [Number(x['id']), x['v'], x['_source_file'], Number(x['_source_line'])]), [
      [1, 'a', 'landing/pages/p1.json', 1],
      [2, 'b', 'landing/pages/p1.json', 2],
      [3, 'c', 'landing/pages/p2.json', 1],
      [4, 'd', 'landing/pages/p2.json', 2],
    ]);
    const held = await query(lake, 'SELECT file, error FROM bronze.pages_rejects');
    assert.equal(held.length, 1);
    assert.equal(held[0]!['file'], 'landing/pages/p3.json');
    assert.match(String(held[0]!['error']), /expected an array of records at \$\.data \(the source's records path\) in document 1, found nothing there/);
  });
});

test('records: is a path of keys, with json or ndjson only', () => {
  const bad = (source: unknown) => sourcesSchema.safeParse({ s: source }).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') ?? '';
  assert.equal(bad({ format: 'json', records: 'data.items' }), '');
  assert.match(bad({ format: 'csv', records: 'data' }), /s\.records: records only with format json or ndjson \(this source is csv\)/);
  assert.match(bad({ format: 'json', records: 'data[0]' }), /s\.records: a path of keys to an array/);
});
