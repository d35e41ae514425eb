import assert from 'node:assert/strict';
import { test } from 'node:test';
import { quoteLiteral } from '../engine/index.js';
import { withLake } from '../testing/lake.js';
import { currentSchema } from '../table/index.js';
import { ingestSource } from './bronze-ingest.js';
import { typeText } from './bronze-schema.js';
import { land, query } from '../testing/bronze.js';

test('Parquet types Iceberg cannot hold land without losing a value, each change told', async () => {
  await withLake(async (lake) => {
    const write = async (key: string, select: string) => {
      const path = lake.store.enginePath(key);
      await lake.store.put(key, '');
      await lake.engine.run(`COPY (${select}) TO ${quoteLiteral(path)} (FORMAT parquet)`);
      await land(lake.store, key, new Uint8Array(await lake.store.get(key)));
    };
    await write(
      'landing/odd/a.parquet',
      `SELECT * FROM (VALUES
        (1, 18446744073709551615::UBIGINT, INTERVAL '1 day 2 hours 3 milliseconds', '2024-01-01 00:00:00.123456789'::TIMESTAMP_NS,
         '2024-01-01 00:00:00.5'::TIMESTAMP_NS, union_value(n := 5)::UNION(n INT, s VARCHAR), [INTERVAL 1 day], {'a': 18446744073709551615::UBIGINT}),
        (2, 5::UBIGINT, INTERVAL 1 month, '2024-01-01 00:00:00.000000001'::TIMESTAMP_NS,
         '2024-01-01 00:00:00.25'::TIMESTAMP_NS, union_value(s := 'x')::UNION(n INT, s VARCHAR), [], {'a': 1::UBIGINT})
      ) t(id, big, span, nanos, micros, choice, spans, nested)`,
    );
    const r = await ingestSource(lake.catalog, lake.engine, 'odd', {}, { runId: 'r1' });
    assert.deepEqual([r.rowsIn, r.rowsWritten, r.rowsRejected], [2, 2, 0]);
    const t = await lake.catalog.loadTable('bronze', 'odd');
    assert.deepEqual(currentSchema(t.metadata).fields.slice(0, 8).map((f) => `${f.name}:${typeText(f.type)}`), [
      'id:int', 'big:decimal(20, 0)', 'span:string', 'nanos:string', 'micros:timestamp', 'choice:string', 'spans:string', 'nested:string',
    ]);
    const rows = await query(lake, 'SELECT CAST(big AS VARCHAR) AS big, span, nanos, CAST(micros AS VARCHAR) AS micros, choice, spans, nested FROM bronze.odd ORDER BY id');
    assert.deepEqual(rows, [
      { big: '18446744073709551615', span: '1 day 02:00:00.003', nanos: '2024-01-01 00:00:00.123456789', micros: '2024-01-01 00:00:00.5', choice: '{"":0,"n":5,"s":null}', spans: '["1 day"]', nested: '{"a":18446744073709551615}' },
      { big: '5', span: '1 month', nanos: '2024-01-01 00:00:00.000000001', micros: '2024-01-01 00:00:00.25', choice: '{"":1,"n":null,"s":"x"}', spans: '[]', nested: '{"a":1}' },
    ]);
    const told = r.warnings.join('\n');
    for (const c of ['big', 'span', 'nanos', 'choice', 'spans', 'nested']) assert.match(told, new RegExp(`landing/odd/a\\.parquet: column ${c}\\b`), told);
    assert.doesNotMatch(told, /column micros/);
  });
});
