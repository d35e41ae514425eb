import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidInput } from '../../errors.js';
import { fileFixture } from './file-test-fixture.js';
import { readFiles } from './file-reader.js';

const fx = fileFixture('csv-delimiter');

test('a delimiter that is a quote or a line break is refused naming it, not read as one column per line', async () => {
  const path = fx.file('d.csv', 'a,b\n1,2\n');
  for (const delimiter of ['"', '\n', '\r', '', '::']) {
    await assert.rejects(readFiles(fx.engine, [path], { delimiter }), (e: unknown) =>
      e instanceof InvalidInput && e.message.includes('d.csv') && e.message.includes(`delimiter must be one character other than a quote or a line break, got ${JSON.stringify(delimiter)}`), JSON.stringify(delimiter));
  }
  const ok = await readFiles(fx.engine, [path], { delimiter: ',' });
  assert.equal(ok.rowsRead, 1);
});
