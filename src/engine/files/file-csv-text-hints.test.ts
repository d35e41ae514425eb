import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileFixture } from './file-test-fixture.js';
import { scanFiles } from './file-scan.js';
import type { ReadOptions } from './file-types.js';

const fx = fileFixture('text-hints');

async function columnsAndWarnings(path: string, opts: ReadOptions = {}) {
  const scan = await scanFiles(fx.engine, [path], opts);
  try {
    return { types: scan.columns.map((c) => `${c.name}:${c.duckdbType}`), warnings: (await scan.consume(async () => undefined)).warnings };
  } finally {
    await scan.close();
  }
}

test('a column read as text because a few values are not timestamps says which, how many and where', async () => {
  // A quoted value spanning two lines before the first TBD: the line is the physical one.
  const good = Array.from({ length: 9 }, (_, i) => `${i + 2},2026-04-0${i + 1} 10:15:00,x`);
  const text = ['id,shipped_at,note', '1,2026-04-01 10:15:00,"two\nlines"', ...good, '11,TBD,x', '12,TBD,y', '13,TBD,z', ''].join('\n');
  const path = fx.file('shipped.csv', text);
  const { types, warnings } = await columnsAndWarnings(path);
  assert.deepEqual(types, ['id:BIGINT', 'shipped_at:VARCHAR', 'note:VARCHAR']);
  const line = text.split('\n').findIndex((l) => l.includes('TBD')) + 1;
  assert.deepEqual(warnings, [
    `${path}: column shipped_at inferred as text: 3 values such as \`TBD\` are not timestamps; see line ${line}; ` +
      'use --nulls "TBD" or --types shipped_at=timestamp (with --timestamp-format if its values are not ISO 8601)',
  ]);
  // With the token declared a null, the column is a timestamp and nothing is said.
  const declared = await columnsAndWarnings(path, { nulls: ['TBD'] });
  assert.deepEqual(declared.types, ['id:BIGINT', 'shipped_at:TIMESTAMP', 'note:VARCHAR']);
  assert.deepEqual(declared.warnings, []);
});

test('numbers and dates are named too; a column of words or one the user typed is not', async () => {
  const text = 'n,d,word\n1.5,01/02/2026,a\n2,02/02/2026,b\nn/a,03/02/2026,c\n4,soon,d\n';
  const path = fx.file('mixed.csv', text);
  const hinted = await columnsAndWarnings(path, { dateFormat: '%d/%m/%Y' });
  assert.deepEqual(hinted.warnings, [
    `${path}: column n inferred as text: 1 value such as \`n/a\` is not a number; see line 4; use --nulls "n/a" or --types n=double`,
    `${path}: column d inferred as text: 1 value such as \`soon\` is not a date; see line 5; use --nulls "soon" or --types d=date (with --date-format if its values are not ISO 8601)`,
  ]);
  const typed = await columnsAndWarnings(path, { types: { N: 'VARCHAR' }, dateFormat: '%d/%m/%Y' });
  assert.equal(typed.warnings.length, 1);
  assert.match(typed.warnings[0]!, /column d inferred as text/);
});
