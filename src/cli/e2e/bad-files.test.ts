import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import { assertCleanFailure, queryNumber, silt, siltOk } from '../../testing/silt-process.js';
import { currentSnapshot, makeProject, removeProject, withProject } from '../../testing/temp-project.js';

/** A messy file as a new user would try it, and what must happen: rows loaded (all of them), or a clean failure. */
interface Case {
  name: string;
  /** Passed to `silt load`; written first unless `content` is undefined (a missing file, a folder). */
  file: string;
  content?: string | Uint8Array;
  args?: string[];
  /** Loads: exactly this many rows, and (optionally) these columns and rows as `--format json` lines. */
  rows?: number;
  json?: string[];
  /** Fails: the one stderr line matches each pattern (file, line, problem). */
  error?: RegExp[];
}

const lines = (n: number, row: (i: number) => string) => Array.from({ length: n }, (_, i) => row(i + 1)).join('\n');

const CASES: Case[] = [
  { name: 'a UTF-8 BOM before the header', file: 'bom.csv', content: '\uFEFFid,name\n1,a\n2,b\n', json: ['{"id":1,"name":"a"}', '{"id":2,"name":"b"}'] },
  { name: '; as delimiter, decimal commas', file: 'semi.csv', content: 'id;name;amount\n1;a;1,5\n2;b;2,5\n', json: ['{"id":1,"name":"a","amount":"1,5"}', '{"id":2,"name":"b","amount":"2,5"}'] },
  { name: '| as delimiter', file: 'pipe.csv', content: 'id|name\n1|a\n2|b\n3|c\n', rows: 3 },
  { name: '--delimiter given', file: 'given.txt', content: 'id#v\n1#a\n2#b\n', args: ['--format', 'csv', '--delimiter', '#'], json: ['{"id":1,"v":"a"}', '{"id":2,"v":"b"}'] },
  { name: 'quoted newlines, quoted delimiters and quotes', file: 'quoted.csv', content: 'id,text\n1,"two\nlines"\n2,"a, b"\n3,"say ""hi"""\n', json: ['{"id":1,"text":"two\\nlines"}', '{"id":2,"text":"a, b"}', '{"id":3,"text":"say \\"hi\\""}'] },
  { name: 'CRLF line ends', file: 'crlf.csv', content: 'id,v\r\n1,a\r\n2,b\r\n', json: ['{"id":1,"v":"a"}', '{"id":2,"v":"b"}'] },
  { name: 'a TSV', file: 'tabs.tsv', content: 'id\tv\n1\ta\n2\tb\n', rows: 2 },
  { name: 'a gzipped CSV', file: 'zipped.csv.gz', content: new Uint8Array(gzipSync('id,v\n1,a\n2,b\n3,c\n')), rows: 3 },
  { name: 'duplicate headers', file: 'dup.csv', content: 'id,name,name\n1,a,b\n2,c,d\n', rows: 2 },
  { name: 'header only', file: 'header.csv', content: 'id,name\n', rows: 0 },
  { name: 'nested JSON', file: 'nested.json', content: '[{"id":1,"u":{"n":"a","tags":["x"]}},{"id":2,"u":{"n":"b","tags":[]}}]', json: ['{"id":1,"u":{"n":"a","tags":["x"]}}', '{"id":2,"u":{"n":"b","tags":[]}}'] },
  { name: 'NDJSON with nested values and blank lines', file: 'ok.ndjson', content: '{"id":1,"p":{"x":1}}\n\n{"id":2,"p":{"x":2}}\n', rows: 2 },
  { name: 'a row with too many fields', file: 'long-row.csv', content: 'id,name\n1,a\n2,b,extra\n3,c\n', error: [/long-row\.csv/, /line 3/, /expected 2 columns, found 3/] },
  { name: 'a row with too few fields', file: 'short-row.csv', content: 'id,name,n\n1,a,1\n2,b\n3,c,3\n', error: [/short-row\.csv/, /line 3/, /expected 3 columns, found 2/] },
  { name: 'a ragged row deep in the file, after a quoted newline', file: 'deep.csv', content: `id,text,n\n1,"two\nlines",5\n${lines(2000, (i) => `${i + 1},t,${i}`)}\n2002,oops\n`, error: [/deep\.csv/, /line 2004\b/, /expected 3 columns, found 2/] },
  { name: 'invalid UTF-8', file: 'latin1.csv', content: new Uint8Array([...Buffer.from('id,name\n1,a\n2,caf'), 0xe9, ...Buffer.from('\n3,c\n')]), error: [/latin1\.csv/, /line 3/, /UTF-8/] },
  { name: 'an empty file', file: 'empty.csv', content: '', error: [/empty\.csv/, /empty/] },
  { name: 'a malformed NDJSON line', file: 'bad.ndjson', content: '{"id":1}\n{"id":2}\n{"id":3,\n{"id":4}\n', error: [/bad\.ndjson/, /line 3/, /JSON/] },
  { name: 'an NDJSON line that is not an object', file: 'array-line.ndjson', content: '{"id":1}\n[1,2]\n', error: [/array-line\.ndjson/, /line 2/, /object/] },
  { name: 'a file that does not exist', file: 'missing.csv', error: [/missing\.csv/, /no such file|not found|does not exist/] },
  { name: 'a directory', file: 'a-folder', error: [/a-folder/, /directory/] },
  { name: 'an unknown extension', file: 'data.xyz', content: 'id\n1\n', error: [/data\.xyz/, /format/] },
  { name: 'an unknown --format', file: 'fmt.csv', content: 'id\n1\n', args: ['--format', 'xls'], error: [/format/, /xls/] },
];

describe('loading messy files: every row lands, or one clear line and nothing changes', { concurrency: 2 }, () => {
  // one project for every case: each case loads into its own table
  let dir = '';
  before(async () => {
    dir = await makeProject();
    await mkdir(path.join(dir, 'a-folder'));
  });
  after(() => removeProject(dir));

  for (const [i, c] of CASES.entries()) {
    test(c.name, async () => {
      const table = `messy.case_${i}`;
      if (c.content !== undefined) await writeFile(path.join(dir, c.file), c.content);
      const r = await silt(dir, 'load', c.file, ...(c.args ?? []), '--into', table);
      if (c.error) {
        assertCleanFailure(r, `load ${c.file}`, ...c.error);
        const list = await siltOk(dir, 'table', 'list');
        assert.ok(!list.split('\n').includes(table), `a failed load leaves no table behind:\n${list}`);
        return;
      }
      assert.equal(r.code, 0, `load ${c.file}: ${r.stderr}`);
      if (c.json) {
        const out = await siltOk(dir, 'query', `SELECT * FROM ${table} ORDER BY id`, '--format', 'json');
        assert.deepEqual(out.split('\n').filter((l) => l !== ''), c.json);
      } else {
        assert.equal(await queryNumber(dir, `SELECT count(*) FROM ${table}`), c.rows);
      }
    });
  }
});

test('a bad file loaded into an existing table changes nothing; --max-rejects loads the rest and lists the bad lines', async () => {
  await withProject(async (dir) => {
    const t = 'messy.orders';
    await writeFile(path.join(dir, 'good.csv'), 'id,n,note\n1,5,a\n2,6,b\n');
    await siltOk(dir, 'load', 'good.csv', '--into', t);
    const snapshot = await currentSnapshot(dir, t);
    const unchanged = async (what: string) => {
      assert.equal(await currentSnapshot(dir, t), snapshot, `${what}: same snapshot`);
      assert.equal(await queryNumber(dir, `SELECT count(*) FROM ${t}`), 2, `${what}: same rows`);
    };

    await writeFile(path.join(dir, 'ragged.csv'), 'id,n,note\n3,7,c\n4,8,d,extra\n5,9,e\n6,1,f,g,h\n');
    assertCleanFailure(await silt(dir, 'load', 'ragged.csv', '--into', t), 'ragged into existing', /ragged\.csv/, /line 3/);
    await unchanged('ragged');

    // a value that does not fit the existing column's type: name the file, the line and the column
    await writeFile(path.join(dir, 'wrong-type.csv'), 'id,n,note\n3,7,c\n4,lots,d\n');
    assertCleanFailure(await silt(dir, 'load', 'wrong-type.csv', '--into', t), 'wrong type', /wrong-type\.csv/, /line 3/, /\bn\b/);
    await unchanged('wrong type');

    // several files in one load: one bad file fails them all
    await writeFile(path.join(dir, 'fine.csv'), 'id,n,note\n7,1,x\n');
    assertCleanFailure(await silt(dir, 'load', 'fine.csv', 'ragged.csv', '--into', t), 'two files', /ragged\.csv/, /line 3/);
    await unchanged('fine + ragged');

    // every row accounted for: loaded rows + rejected lines = data lines
    const r = await silt(dir, 'load', 'ragged.csv', '--into', t, '--max-rejects', '5');
    assert.equal(r.code, 0, r.stderr);
    const rejected = r.stderr.split('\n').filter((l) => /^silt: rejected ragged\.csv line \d+: /.test(l));
    assert.deepEqual(rejected.map((l) => /line (\d+)/.exec(l)![1]), ['3', '5']);
    assert.equal(await queryNumber(dir, `SELECT count(*) FROM ${t}`), 2 + 2);

    // more bad lines than allowed: nothing loads
    const before = await currentSnapshot(dir, t);
    assertCleanFailure(await silt(dir, 'load', 'ragged.csv', '--into', t, '--max-rejects', '1'), 'too many rejects', /ragged\.csv/, /line 3/);
    assert.equal(await currentSnapshot(dir, t), before);
  });
});
