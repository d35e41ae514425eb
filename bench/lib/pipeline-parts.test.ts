/** The pipeline bench's parsing and comparing: `node --test bench/out/lib/pipeline-parts.test.js`. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fillPlaceholders, splitStages } from '../peer/pipeline-script.js';
import { compareFingerprints } from './pipeline-check.js';
import { parseSteps } from './pipeline-sides.js';

test('splitStages groups statements under their stage and drops comments', () => {
  const stages = splitStages('-- header\n-- stage: bronze\nCOPY (\n  SELECT 1 -- x; y\n) TO \'a\';\n-- stage: gold\nSELECT 2;\nSELECT 3;\n');
  assert.deepEqual(stages.map((s) => [s.name, s.statements.length]), [['bronze', 1], ['gold', 2]]);
  assert.deepEqual(stages[1]!.statements[0], { sql: 'SELECT 2;' });
});

test('splitStages tags statements with the table heading above them', () => {
  const [stage] = splitStages('-- stage: silver\nCREATE MACRO m() AS 1;\n-- silver.sensor_readings (flattened)\nSELECT 1;\n-- a note\nSELECT 2;\n');
  assert.deepEqual(stage!.statements.map((s) => s.section), [undefined, 'silver.sensor_readings', 'silver.sensor_readings']);
});

test('splitStages refuses a script that ends inside a statement', () => {
  assert.throws(() => splitStages('-- stage: a\nSELECT 1'), /ends inside a statement/);
});

test('fillPlaceholders names a placeholder that has no value', () => {
  assert.equal(fillPlaceholders("'{{OUT}}/x'", { OUT: '/o' }), "'/o/x'");
  assert.throws(() => fillPlaceholders('{{LANDING}}', {}), /no value for \{\{LANDING\}\}/);
});

test('parseSteps reads the step rows of `silt runs show`', () => {
  const text = [
    'step                          status     rows_in  written  quarantined  deduplicated  seconds  reconciled  started',
    'ingest.orders                 succeeded  105,922  105,645  277          0             2.4      yes         +0.0',
    'silver.orders                 succeeded  105,645  95,295   4,428        5,922         2.0      yes         +2.5',
    '  silver.orders: type(order_ts) [drop] 1066 rows',
  ].join('\n');
  assert.deepEqual(parseSteps(text), [
    { step: 'ingest.orders', rowsIn: 105922, seconds: 2.4, startedAt: 0 },
    { step: 'silver.orders', rowsIn: 105645, seconds: 2, startedAt: 2.5 },
  ]);
});

test('compareFingerprints tolerates float sums and time zone suffixes, and names what differs', () => {
  const silt = { 'gold.x': { rows: '10', revenue: '1234.56', at: '2026-04-02 00:00:00+00' } };
  assert.deepEqual(compareFingerprints(silt, { 'gold.x': { rows: '10', revenue: '1234.5600000001', at: '2026-04-02 00:00:00' } }), []);
  assert.deepEqual(compareFingerprints(silt, { 'gold.x': { rows: '11', revenue: '1234.56', at: '2026-04-02 00:00:00' } }), ['gold.x.rows: "10" vs "11"']);
});
