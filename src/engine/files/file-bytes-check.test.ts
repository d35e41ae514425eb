import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { InvalidInput } from '../../errors.js';
import { fileFixture } from './file-test-fixture.js';
import { dropReadResult, readFiles } from './file-reader.js';
import { quoteLiteral } from '../core/sql-text.js';

const fx = fileFixture('bytes-check');
const u8 = (...parts: ArrayLike<number>[]): Uint8Array => new Uint8Array(parts.flatMap((p) => Array.from(p)));

async function refused(path: string, message: RegExp): Promise<void> {
  await assert.rejects(readFiles(fx.engine, [path]), (e: unknown) => {
    assert.ok(e instanceof InvalidInput, String(e));
    assert.ok(e.message.startsWith(`load: ${path}: `), e.message);
    assert.match(e.message, message);
    return true;
  });
}

const csv = `id,v\n${Array.from({ length: 20_000 }, (_, i) => `${i},value ${i}`).join('\n')}\n`;

test('a gzip file cut short, with a broken trailer, empty, or not gzip at all is refused, not half read', async () => {
  const whole = u8(gzipSync(csv));
  await refused(fx.file('half.csv.gz', whole.subarray(0, whole.length >> 1)), /gzip data ends early: the file was cut short/);
  await refused(fx.file('no-trailer.csv.gz', whole.subarray(0, whole.length - 4)), /gzip data ends early/);
  await refused(fx.file('empty.csv.gz', ''), /the file is empty, so not gzip data; put the complete gzip file back/);
  await refused(fx.file('random.csv.gz', 'id,v\n1,not compressed\n'), /not valid gzip data/);
  const result = await readFiles(fx.engine, [fx.file('whole.csv.gz', whole)]);
  assert.equal(result.rowsRead, 20_000);
  await dropReadResult(fx.engine, result);
});

test('a zstd file cut short or not zstd at all is refused; a whole one reads', async () => {
  const path = `${fx.dir}/whole.csv.zst`;
  await fx.engine.run(`COPY (SELECT range AS id, 'value ' || range AS v FROM range(100000)) TO ${quoteLiteral(path)} (FORMAT csv, COMPRESSION zstd)`);
  const whole = new Uint8Array(execFileSync('cat', [path]));
  await refused(fx.file('half.csv.zst', whole.subarray(0, whole.length >> 1)), /zstd data ends early: the file was cut short/);
  await refused(fx.file('short.csv.zst', whole.subarray(0, whole.length - 3)), /zstd data ends early/);
  await refused(fx.file('random.csv.zst', 'id,v\n1,plain\n'), /not zstd data/);
  const result = await readFiles(fx.engine, [path]);
  assert.equal(result.rowsRead, 100_000);
  await dropReadResult(fx.engine, result);
});

test('UTF-16 and UTF-32 text files are refused, naming the encoding and saying to save as UTF-8', async () => {
  const text = 'id,name\n1,café\n2,b\n';
  const le = u8(Buffer.from(text, 'utf16le'));
  const be = u8(Buffer.from(text, 'utf16le').swap16());
  const cases: [string, Uint8Array, string][] = [
    ['le.csv', u8([0xff, 0xfe], le), 'UTF-16 LE encoded \\(byte order mark FF FE\\)'],
    ['be.csv', u8([0xfe, 0xff], be), 'UTF-16 BE encoded \\(byte order mark FE FF\\)'],
    ['le-nobom.tsv', u8(Buffer.from(text.replaceAll(',', '\t'), 'utf16le')), 'UTF-16 LE encoded \\(no byte order mark\\)'],
    ['be-nobom.csv', be, 'UTF-16 BE encoded \\(no byte order mark\\)'],
    ['le.csv.gz', u8(gzipSync(u8([0xff, 0xfe], le))), 'UTF-16 LE'],
    ['le32.ndjson', u8([0xff, 0xfe, 0, 0, 0x7b, 0, 0, 0]), 'UTF-32 LE'],
  ];
  for (const [name, content, encoding] of cases) {
    await refused(fx.file(name, content), new RegExp(`the file is ${encoding}.*save it as UTF-8`));
  }
});

test('a binary file under a text name is refused, saying what it looks like and what to do', async () => {
  const noise = u8(Array.from({ length: 3000 }, (_, i) => (i * 7919) % 256));
  const cases: [string, Uint8Array, RegExp][] = [
    ['book.csv', u8([0x50, 0x4b, 0x03, 0x04], Buffer.from('xl/workbook.xml')), /not text but a ZIP archive \(an Excel \.xlsx workbook is one\): export the sheet as CSV UTF-8/],
    ['old.csv', u8([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), /not text but an old Office document/],
    ['data.csv', u8(Buffer.from('PAR1'), noise), /not text but a Parquet file: give it a \.parquet name/],
    ['packed.csv', u8(gzipSync('id\n1\n')), /not text but gzip data: give it a \.gz name/],
    ['noise.ndjson', noise, /not text but binary data/],
  ];
  for (const [name, content, message] of cases) await refused(fx.file(name, content), message);
  const stray = await readFiles(fx.engine, [fx.file('stray-nul.csv', u8(Buffer.from('id,v\n1,a'), [0], Buffer.from('b\n2,c\n')))]);
  assert.equal(stray.rowsRead, 2, 'a stray NUL in a value does not make a file binary');
  await dropReadResult(fx.engine, stray);
});
