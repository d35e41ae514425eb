import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { InvalidInput, NotFound } from '../../errors.js';
import { detectFormat } from './file-format.js';
import { localInput } from './file-input.js';

const dir = mkdtempSync(join(tmpdir(), 'silt-format-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

test('format by extension, compressed ones included', async () => {
  assert.equal(await detectFormat(localInput(file('a.csv', 'x\n'))), 'csv');
  assert.equal(await detectFormat(localInput(file('a.TSV', 'x\n'))), 'tsv');
  assert.equal(await detectFormat(localInput(file('a.csv.gz', new Uint8Array(gzipSync('x\n'))))), 'csv');
  assert.equal(await detectFormat(localInput(file('a.ndjson.zst', 'not really zstd'))), 'ndjson');
  assert.equal(await detectFormat(localInput(file('a.jsonl', '{}\n'))), 'ndjson');
  assert.equal(await detectFormat(localInput(file('a.json.zstd', ''))), 'json');
  assert.equal(await detectFormat(localInput(file('a.parquet', 'PAR1'))), 'parquet');
});

test('format by content when the extension says nothing', async () => {
  assert.equal(await detectFormat(localInput(file('export', 'id;name\n1;a\n'))), 'csv');
  assert.equal(await detectFormat(localInput(file('export2', 'id\tname\n1\ta\n'))), 'tsv');
  assert.equal(await detectFormat(localInput(file('events', '{"a":1}\n{"a":2}\n'))), 'ndjson');
  assert.equal(await detectFormat(localInput(file('doc', '[{"a":1}]'))), 'json');
  assert.equal(await detectFormat(localInput(file('blob.dat', 'PAR1\u0000\u0000'))), 'parquet');
  assert.equal(await detectFormat(localInput(file('events.gz', new Uint8Array(gzipSync('{"a":1}\n'))))), 'ndjson');
});

test('unknown format names the file', async () => {
  const path = file('notes.bin', 'hello world');
  await assert.rejects(detectFormat(localInput(path)), (e: unknown) => e instanceof InvalidInput && e.message.includes('notes.bin') && /unknown file format/.test(e.message));
});

test('missing file is NotFound, a directory is InvalidInput, both naming the path', async () => {
  const missing = join(dir, 'nope.csv');
  await assert.rejects(detectFormat(localInput(missing)), (e: unknown) => e instanceof NotFound && e.message.includes('nope.csv'));
  const sub = join(dir, 'landing.csv');
  mkdirSync(sub);
  await assert.rejects(detectFormat(localInput(sub)), (e: unknown) => e instanceof InvalidInput && /landing\.csv is a directory/.test(e.message));
});

test('a path the system cannot resolve to a file is an input error naming it, not a crash', async () => {
  symlinkSync(join(dir, 'loop-b.csv'), join(dir, 'loop-a.csv'));
  symlinkSync(join(dir, 'loop-a.csv'), join(dir, 'loop-b.csv'));
  const plain = file('plain.csv', 'a\n1\n');
  const cases: [string, (e: unknown) => boolean, RegExp][] = [
    [join(dir, 'loop-a.csv'), (e) => e instanceof InvalidInput, /loop-a\.csv.*symbolic links/],
    [join(plain, 'inside.csv'), (e) => e instanceof NotFound, /plain\.csv.*no such file/],
    [join(dir, `${'n'.repeat(300)}.csv`), (e) => e instanceof InvalidInput, /name is too long/],
  ];
  for (const [path, kind, text] of cases) {
    await assert.rejects(detectFormat(localInput(path)), (e: unknown) => kind(e) && text.test((e as Error).message), path);
  }
});
