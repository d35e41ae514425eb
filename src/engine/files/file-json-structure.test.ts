/**
 * The structure scanned in Node must be exactly DuckDB's json_structure of the same records, or
 * a file's columns would depend on which of the two gave them.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { scanPlainStructure, scanStructure } from './file-json-structure.js';
import { fileFixture } from './file-test-fixture.js';

const fx = fileFixture('json-structure', 1);

/** What DuckDB makes of the lines: json_structure of the object records, and the other non-blank lines. */
async function duckdb(lines: string[]): Promise<{ structure: unknown; unread: number[] }> {
  const [row] = await fx.engine.all<{ s: string | null; unread: number[] | null }>(
    `WITH l AS (SELECT generate_subscripts(ls, 1) AS line, unnest(ls) AS text FROM (SELECT from_json(?::VARCHAR, '["VARCHAR"]') AS ls)),
       r AS (SELECT line, text, json_valid(text) AND ltrim(text, ' \t')[1] = '{' AS ok FROM l WHERE trim(text, ' \t') <> '')
     SELECT (SELECT json_structure('[' || string_agg(text, ',' ORDER BY line) || ']')::VARCHAR FROM r WHERE ok) AS s,
       (SELECT list(line::INTEGER ORDER BY line) FROM r WHERE NOT ok) AS unread`,
    [JSON.stringify(lines)],
  );
  return { structure: row?.s ? (JSON.parse(row.s) as unknown[])[0] : 'NULL', unread: (row?.unread ?? []).map(Number) };
}

const scan = (lines: string[]) => scanStructure(Buffer.from(lines.join('\n')));

async function assertSame(lines: string[], label = lines.join(' | ')): Promise<void> {
  const ours = await scan(lines);
  const theirs = await duckdb(lines);
  // Key order matters: it becomes the column order.
  assert.equal(JSON.stringify(ours.structure), JSON.stringify(theirs.structure), label);
  assert.deepEqual(ours.unread, theirs.unread, label);
}

test('kinds merge as json_structure merges them', async () => {
  const cases: string[][] = [
    ['{"a":1}', '{"a":-1}'], // unsigned and signed: HUGEINT
    ['{"a":1}', '{"a":-1}', '{"a":2.5}'],
    ['{"a":-0}', '{"a":0}'],
    ['{"a":1e2}', '{"a":1E-2}', '{"a":0.5}'],
    ['{"a":18446744073709551615,"b":18446744073709551616,"c":-9223372036854775808,"d":-9223372036854775809}'],
    ['{"a":99999999999999999999}', '{"a":1000000000000000000}'],
    ['{"a":"x"}', '{"a":5}'],
    ['{"a":true}', '{"a":false}', '{"a":null}'],
    ['{"a":true}', '{"a":1}'],
    ['{"a":null}'],
    ['{"a":{}}'],
    ['{"a":{}}', '{"a":{"b":1}}'],
    ['{"a":{"b":1}}', '{"a":5}', '{"a":{"c":1}}'],
    ['{"a":[]}'],
    ['{"a":[]}', '{"a":[1,-1]}'],
    ['{"a":[null]}', '{"a":[[1],[[2]]]}'],
    ['{"a":[{}]}', '{"b":[{"x":1},{"y":"s"}]}'],
    ['{"a":[]}', '{"a":5}'],
    ['{}'],
    ['{}', '{}'],
    ['{"a":1,"a":"x"}'], // a repeated key merges its values
    ['{"a":1,"A":2}', '{"A":"s"}'],
    ['{"b":1,"a":2}', '{"c":3,"a":4,"d":{"z":1,"y":2}}', '{"d":{"x":true,"z":2}}'],
    ['{"a\\"b":1,"c\\u0064":2,"cd":3.5}', '{"\\\\u0041":1,"\\u0041":"s"}'],
    ['{"":1,"a.b":2,"é":3,"2":4,"1":5}'],
    ['{ "a" : 1 , "b" : [ 1 , 2 ] }', '\t{"a":2}\t'],
  ];
  for (const lines of cases) await assertSame(lines);
});

test('lines that are not strict JSON objects are unread and leave no trace in the structure', async () => {
  const lines = [
    '{"a":1,"b":{"c":2}',
    '{"a":1,"new":"x","b":{"c":"s","d":1}, }',
    '{"a":NaN}',
    '[1,2]',
    '"text"',
    '',
    '   ',
    '{"a":01}',
    '{"a":1.}',
    '{"a":-}',
    '{"a":tru}',
    '{"a":"unterminated}',
    '{"a":1} {"b":2}',
    '{"a":1}x',
    '{a:1}',
    '{"a" 1}',
    '{"a":[1,]}',
    '{"a":1}',
  ];
  const ours = await scan(lines);
  assert.deepEqual(ours.structure, { a: 'UBIGINT' });
  assert.deepEqual(ours.unread, [1, 2, 3, 4, 5, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17]);
  // DuckDB takes NaN and trailing commas, which the scan does not: the caller sees them differ.
  const theirs = await duckdb(lines);
  assert.deepEqual(theirs.unread, [1, 4, 5, 8, 9, 10, 11, 12, 13, 14, 15, 16]);
});

test('a string DuckDB refuses is unread: raw control characters, unknown escapes, lone surrogates', async () => {
  const lines = [
    '{"a":"x\ty"}',
    '{"a":"x\u0001y"}',
    '{"a":"\\q"}',
    '{"a":"\\u12"}',
    '{"a":"\\u12g4"}',
    '{"a":"\\ud800"}',
    '{"a":"\\udc00\\ud800"}',
    '{"a":"\\ud800x"}',
    '{"\\ud800":1}',
    '{"a":"\\ud83d\\ude00 \\u00E9 \\/ \\b\\f\\n\\r\\t \\"\\\\ \\u0000 \u007f"}',
  ];
  const ours = await scan(lines);
  assert.deepEqual(ours.unread, [1, 2, 3, 4, 5, 6, 7, 8, 9]);
  await assertSame(lines);
  // A key seen escaped before is still unread written with a raw control character.
  assert.deepEqual((await scan(['{"k\\tx":1}', '{"k\tx":2}', '{"k\\tx":3}'])).unread, [2]);
});

test('a record nested deeper than 128 levels is unread; one 128 deep is read', async () => {
  const nested = (levels: number) => `${'{"a":'.repeat(levels - 1)}{"b":1}${'}'.repeat(levels - 1)}`;
  const ours = await scan([nested(128), nested(129), `{"x":${'['.repeat(128)}${']'.repeat(128)}}`]);
  assert.deepEqual(ours.unread, [2, 3]);
});

test('no records give NULL, as json_structure of an empty array does', async () => {
  assert.deepEqual(await scan(['', '[1]']), { structure: 'NULL', unread: [2], repeated: [] });
  assert.deepEqual(await scan([]), { structure: 'NULL', unread: [], repeated: [] });
});

test('records holding a top-level key twice are named, however the key is written; nested and case twins are not', async () => {
  const lines = [
    '{"a":1,"b":2}',
    '{"a":1,"a":2}',
    '{"a":1,"b":{"a":1,"a":2}}',
    '{"b":1,"\\u0061":2,"a":3}',
    '{"A":1,"a":2}',
    '{"a":1,"a":[1',
    '{"b":1,"b":2,"b":3}',
  ];
  const { repeated, unread } = await scan(lines);
  assert.deepEqual(repeated, [2, 4, 7]);
  assert.deepEqual(unread, [6]);
});

test('random records: the same structure and the same unread lines as DuckDB', async () => {
  let seed = 42;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const KEYS = ['id', 'name', 'Name', 'tags', 'meta', 'v', 'x.y', '', 'k\\"q', 'é'];
  const SCALARS = ['1', '-7', '0', '-0', '2.5', '1e3', '-1.5E-3', '18446744073709551615', '18446744073709551616', '-9223372036854775809',
    '"s"', '""', '"a\\"b\\\\"', '"\\u00e9\\n"', 'true', 'false', 'null'];
  const value = (depth: number): string => {
    const r = random();
    if (depth < 3 && r < 0.15) return `[${Array.from({ length: Math.floor(random() * 3) }, () => value(depth + 1)).join(',')}]`;
    if (depth < 3 && r < 0.3) return object(depth + 1);
    return pick(SCALARS);
  };
  const object = (depth: number): string =>
    `{${Array.from({ length: Math.floor(random() * 4) }, () => `"${pick(KEYS)}":${value(depth)}`).join(',')}}`;
  const line = (): string => {
    const text = object(0);
    const r = random();
    if (r < 0.05) return text.slice(0, Math.floor(random() * text.length)); // cut short
    if (r < 0.07) return pick(SCALARS);
    if (r < 0.09) return '';
    return text;
  };
  for (let file = 0; file < 300; file++) {
    const lines = Array.from({ length: 1 + Math.floor(random() * 12) }, line);
    await assertSame(lines, `file ${file}: ${lines.join('\n')}`);
  }
});

test('a file scanned in slices: records on either side of a slice boundary all count', async () => {
  const record = (i: number) => `{"id":${i},"name":"${'n'.repeat(i % 50)}","v":${i % 7 === 0 ? -i : i}}`;
  const lines = Array.from({ length: 40_000 }, (_, i) => record(i));
  lines.push('{"id":1,"late":{"k":true}}', '{"id":2,"cut":');
  assert.ok(lines.join('\n').length > 2 * 1024 * 1024, 'more than two slices');
  await assertSame(lines, 'sliced file');
});

/** The text cut into pieces of the given sizes, in turn (the last size repeats), as a store's stream gives them. */
async function* pieces(text: Buffer, sizes: number[]): AsyncGenerator<Buffer> {
  for (let at = 0, i = 0; at < text.length; i++) {
    const size = sizes[Math.min(i, sizes.length - 1)]!;
    yield text.subarray(at, at + size);
    at += size;
  }
}

test('a file streamed in pieces scans as it does whole, wherever the pieces cut its lines', async () => {
  const lines = ['{"a":1,"b":"x"}', '', '  ', '{"a":-2,"c":{"d":[1.5]}}', '{"a":', '[1]', `{"long":"${'y'.repeat(3000)}"}`, '{"a":1,"a":2}', '{"b":"z"}'];
  for (const ending of ['', '\n']) {
    const text = Buffer.from(lines.join('\n') + ending);
    const whole = await scanStructure(text);
    assert.deepEqual(whole.unread, [5, 6]);
    assert.deepEqual(whole.repeated, [8]);
    for (const sizes of [[1], [2], [7], [16, 1000, 3], [text.length], [5000]]) {
      assert.deepEqual(await scanPlainStructure(pieces(text, sizes)), whole, `pieces of ${sizes.join(', ')} bytes, ending ${JSON.stringify(ending)}`);
    }
  }
});

test('a streamed file that is not plain text (carriage return, NUL byte, byte-order mark) is not scanned', async () => {
  const plain = '{"a":1}\n{"a":2}\n';
  for (const [label, text] of [
    ['carriage return', '{"a":1}\r\n{"a":2}\n'],
    ['NUL byte', `${plain}{"a":"\u0000"}`],
    ['byte-order mark', `\uFEFF${plain}`],
  ] as const) {
    for (const size of [1, 2, 1024]) assert.equal(await scanPlainStructure(pieces(Buffer.from(text), [size])), null, `${label}, pieces of ${size}`);
  }
  assert.notEqual(await scanPlainStructure(pieces(Buffer.from(`${plain}{"b":"\uFEFF"}`), [1])), null, 'a byte-order mark inside the text is text');
});
