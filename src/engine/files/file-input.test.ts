import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { InvalidInput } from '../../errors.js';
import { MemoryStore } from '../../storage/index.js';
import { storeInput } from './file-input.js';
import { readFiles } from './file-reader.js';
import { fileFixture } from './file-test-fixture.js';

const fx = fileFixture('input', 1);

test('a file of a store that is not a folder is read by key: DuckDB reads its copy, the byte checks read the store', async () => {
  const store = new MemoryStore();
  try {
    await store.put('landing/orders.csv', 'id,name\n1,a\n2,b\n');
    const read = await readFiles(fx.engine, [await storeInput(store, 'landing/orders.csv')]);
    assert.equal(read.rowsRead, 2);

    // The copy DuckDB would read is whole; the object in the store is cut short, and that is what the check sees.
    const gz = new Uint8Array(gzipSync('id,name\n' + '1,a\n'.repeat(5000)));
    await store.put('landing/cut.csv.gz', gz);
    const input = await storeInput(store, 'landing/cut.csv.gz');
    await store.put('landing/cut.csv.gz', gz.subarray(0, gz.length - 20));
    await assert.rejects(readFiles(fx.engine, [input]), (e: Error) => e instanceof InvalidInput && /cut\.csv\.gz: the gzip data ends early/.test(e.message));

    await store.put('landing/wide.csv', new Uint8Array(Buffer.from('\uFEFFid,name\n1,a\n', 'utf16le')));
    await assert.rejects(readFiles(fx.engine, [await storeInput(store, 'landing/wide.csv')]), (e: Error) => e instanceof InvalidInput && /wide\.csv: the file is UTF-16/.test(e.message));
  } finally {
    await store.dispose();
  }
});
