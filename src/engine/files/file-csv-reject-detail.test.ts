import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { fileFixture } from './file-test-fixture.js';
import { dropReadResult, readFiles } from './file-reader.js';
import type { Reject } from './file-types.js';
import { scanFiles } from './file-scan.js';
import { quoteIdent } from '../core/sql-text.js';

const fx = fileFixture('csv-reject-detail');
const bytes = (...parts: (string | number[])[]) => new Uint8Array(parts.flatMap((p) => (typeof p === 'string' ? [...Buffer.from(p)] : p)));

/** The rejects and good rows' lines of one file, read both ways (with lines, and streamed); both must agree. */
async function read(path: string): Promise<{ rejects: [number | null, string | null, string][]; lines: number[] }> {
  const result = await readFiles(fx.engine, [path]);
  let lines: number[];
  try {
    lines = (await fx.engine.all<{ l: bigint }>(`SELECT _source_line AS l FROM ${quoteIdent(result.relation)} ORDER BY l`)).map((r) => Number(r.l));
  } finally {
    await dropReadResult(fx.engine, result);
  }
  const scan = await scanFiles(fx.engine, [path]);
  let streamed: Reject[];
  try {
    streamed = (await scan.consume((sql) => fx.engine.all(`SELECT * FROM (${sql})`))).rejects;
  } finally {
    await scan.close();
  }
  const shape = (rs: Reject[]) => rs.map((r): [number | null, string | null, string] => [r.line, r.raw, r.error]);
  assert.deepEqual(shape(streamed), shape(result.rejects), 'streamed rejects match');
  assert.equal(result.rowsRead + result.rejects.length, lines.length + result.rejects.length);
  return { rejects: shape(result.rejects), lines };
}

test('a quote that never closes: its line says so, and each line it swallowed is a reject of its own', async () => {
  const path = fx.file('open.csv', 'id,name,amount\n1,ok,2\n2,"bad,3\n3,x,4\n\n4,y,5\n');
  const { rejects, lines } = await read(path);
  assert.deepEqual(lines, [2]);
  assert.deepEqual(rejects, [
    [3, '2,"bad,3', 'unclosed quote starting at line 3: the quoted value runs on over lines 3-6, which were not read as records (each is rejected); fix the quote and put the file back'],
    [4, '3,x,4', 'not read: inside the unclosed quote starting at line 3'],
    [6, '4,y,5', 'not read: inside the unclosed quote starting at line 3'],
  ]);
});

test('an unclosed quote on the last line, and a stray quote inside a line, are told apart', async () => {
  const path = fx.file('last.csv', 'id,name\n1,"a"x\n2,ok\n3,"end');
  const { rejects, lines } = await read(path);
  assert.deepEqual(lines, [3]);
  assert.deepEqual(rejects.map((r) => r.slice(0, 2)), [[2, '1,"a"x'], [4, '3,"end']]);
  assert.equal(rejects[0]?.[2], 'unterminated quote, or a quote inside an unquoted value');
  assert.match(rejects[1]?.[2] ?? '', /^unclosed quote starting at line 4: the quote never closes before the end of the file/);
});

test('invalid UTF-8: the raw text shows U+FFFD where the bytes were, the reason names them and where', async () => {
  const content = bytes('id,name\n1,café\n2,caf', [0xc3, 0x28], 'e\n3,', [0xe2, 0x82], ',', [0xff], '\n4,ok\n');
  for (const [name, data] of [['bad.csv', content], ['bad.csv.gz', new Uint8Array(gzipSync(content))]] as const) {
    const { rejects, lines } = await read(fx.file(name, data));
    assert.deepEqual(lines, [2, 5], name);
    assert.deepEqual(rejects, [
      [3, '2,caf\uFFFD(e', 'invalid UTF-8: C3 at byte 6 of the line (shown as U+FFFD in raw); the file is not all UTF-8: save it as UTF-8 and put it back'],
      [4, '3,\uFFFD,\uFFFD', 'invalid UTF-8: E2 82 at byte 3, FF at byte 6 of the line (shown as U+FFFD in raw); the file is not all UTF-8: save it as UTF-8 and put it back'],
    ], name);
  }
});
