/** Messy landing files, tried as a new user would: every record lands in bronze or in rejects with a reason. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { withProject } from '../project/index.js';
import { assertNoStack, cli, cliOk, count, query, removeDir, smallProject, tempDir, withSession } from '../testing/pipeline-project.js';

const bytes = (text: string) => new Uint8Array(Buffer.from(text, 'latin1'));
const BOM = '\xef\xbb\xbf';

/** Files per source, and how many records each holds (blank lines and headers are no records; an empty file is one reject). */
const LANDING: Record<string, { content: Uint8Array | string; records: number }> = {
  'csvmess/bom_crlf.csv': {
    content: bytes(`${BOM}id,name,amount\r\n1,alpha,1.5\r\n2,short\r\n3,too,many,cols\r\n4,"quoted ""inner"", comma",4.5\r\n5,"",\r\n`),
    records: 5,
  },
  'csvmess/multiline.csv': { content: 'id,name,amount\n6,"multi\nline",6.5\n7,x,y,z\n8,after,8.5\n', records: 3 },
  'csvmess/latin1.csv': { content: bytes('id,name,amount\n9,ok,1\n10,caf\xe9,2\n11,ok,3\n'), records: 3 },
  // An empty file is refused whole, as `silt load` refuses it: one reject naming the file.
  'csvmess/empty.csv': { content: '', records: 1 },
  'csvmess/header_only.csv': { content: 'id,name,amount\n', records: 0 },
  'jsonmess/a.ndjson': {
    content: '{"id":1,"meta":{"a":1,"b":"x"},"tags":["t1"]}\n{"id": 2, "meta":\nnot json\n\n{"id":3,"meta":{"a":2,"b":"y"}}\n[1,2]\n',
    records: 5,
  },
  'jsonmess/drift.ndjson': { content: '{"id":"five","meta":{"a":"text"},"extra":true}\n{"id":6,"meta":{"a":2.5,"b":null}}\n', records: 2 },
  'jsonmess/latin1.ndjson': { content: bytes('{"id":7,"name":"caf\xe9"}\n{"id":8,"name":"ok"}\n'), records: 2 },
  'jsonmess/empty.ndjson': { content: '', records: 1 },
  'jsonarr/good.json': { content: '[{"id":1,"v":"a"},{"id":2,"v":[1,2]},{"id":3,"v":{"k":1}}]', records: 3 },
  'jsonarr/cut.json': { content: '[{"id":4,"v":"b"},{"id":5,"v', records: 2 },
};

const YAML = `
sources:
  csvmess:  { path: csvmess/,  format: csv }
  jsonmess: { path: jsonmess/, format: ndjson }
  jsonarr:  { path: jsonarr/,  format: json }
`;

const records = (source: string) =>
  Object.entries(LANDING).filter(([k]) => k.startsWith(`${source}/`)).reduce((n, [, f]) => n + f.records, 0);

describe('messy sources', () => {
  let root: string;
  let dir: string;
  let ingestOut: string;

  before(async () => {
    root = await tempDir('messy');
    dir = await smallProject(path.join(root, 'p'), YAML, Object.fromEntries(Object.entries(LANDING).map(([k, f]) => [k, f.content])));
    ingestOut = await cliOk(dir, 'ingest');
  });
  after(async () => removeDir(root));

  test('silt ingest takes every file, reconciles every source, and prints no stack trace', async () => {
    assert.match(ingestOut, /succeeded in/);
    for (const s of ['csvmess', 'jsonmess', 'jsonarr']) assert.match(ingestOut, new RegExp(`ingest\\.${s}\\s+succeeded\\s+${records(s)}\\s`), ingestOut);
    assert.doesNotMatch(ingestOut, /\bNO\b/);
    const landing = await cliOk(dir, 'landing', '--all');
    assert.match(landing, new RegExp(`landing: 0 pending, ${Object.keys(LANDING).length} done, 0 incomplete`), landing);
  });

  test('each record is in bronze or in rejects, and every reject says which file and why', async () => {
    await withProject({ projectDir: dir }, (project) =>
      withSession(project, async (sql) => {
        for (const s of ['csvmess', 'jsonmess', 'jsonarr']) {
          const good = await count(sql, `bronze.${s}`);
          const bad = await count(sql, `bronze.${s}_rejects`);
          assert.equal(good + bad, records(s), `${s}: ${good} in bronze + ${bad} rejected`);
          assert.equal(await count(sql, `bronze.${s}_rejects`, `file IS NULL OR error IS NULL OR trim(error) = ''`), 0, `${s}: rejects name file and error`);
        }
        const csv = await query(sql, 'SELECT id, name, amount FROM bronze.csvmess ORDER BY CAST(id AS INT)');
        assert.deepEqual(csv.map((r) => r[0]), ['1', '4', '5', '6', '8', '9', '11'], 'the BOM is not part of the first column name');
        assert.equal(csv.find((r) => r[0] === '4')?.[1], 'quoted "inner", comma');
        assert.equal(csv.find((r) => r[0] === '6')?.[1], 'multi\nline');
        const errors = (s: string) => query(sql, `SELECT file, CAST(line AS INT), raw, error FROM bronze.${s}_rejects ORDER BY ALL`);
        const csvRejects = await errors('csvmess');
        assert.deepEqual(csvRejects.map((r) => [path.basename(r[0]!), r[1]]), [['bom_crlf.csv', '3'], ['bom_crlf.csv', '4'], ['empty.csv', null], ['latin1.csv', '3'], ['multiline.csv', '4']]);
        assert.match(csvRejects[0]![3]!, /expected 3 columns, found 2/);
        assert.match(csvRejects[1]![3]!, /expected 3 columns, found 4/);
        assert.match(csvRejects[2]![3]!, /empty/);
        assert.match(csvRejects[3]![3]!, /UTF-8/);
        assert.match(csvRejects[4]![3]!, /expected 3 columns, found 4/);
        const jsonRejects = await errors('jsonmess');
        const why = jsonRejects.map((r) => `${path.basename(r[0]!)}:${r[1]} ${r[3]}`).join('\n');
        for (const p of [/a\.ndjson:2 .*JSON/, /a\.ndjson:3 .*JSON/, /a\.ndjson:6 .*object/, /drift\.ndjson:1 .*type conflict.*id/, /latin1\.ndjson:1 .*UTF-8/]) {
          assert.match(why, p);
        }
        const arr = await errors('jsonarr');
        assert.equal(arr.length, 1);
        assert.match(`${arr[0]![0]} ${arr[0]![3]}`, /cut\.json .*JSON/);
      }),
    );
  });

  test('line numbers point at the line in the file, for bronze rows and rejects alike', async () => {
    const lineOf = (key: string, line: number) => readFileSync(path.join(dir, 'lake', key), 'latin1').split('\n')[line - 1]?.replace(/\r$/, '');
    await withProject({ projectDir: dir }, (project) =>
      withSession(project, async (sql) => {
        for (const [file, line, raw] of await query(sql, `SELECT file, line, raw FROM bronze.csvmess_rejects WHERE error NOT LIKE '%UTF-8%' AND line IS NOT NULL`)) {
          assert.equal(lineOf(file!, Number(line)), raw, `${file}:${line}`);
        }
        for (const [file, line, id] of await query(sql, 'SELECT _source_file, _source_line, id FROM bronze.csvmess')) {
          assert.ok(lineOf(file!, Number(line))?.replace(BOM, '').startsWith(`${id},`), `${file}:${line} holds id ${id}`);
        }
        for (const [file, line, id] of await query(sql, 'SELECT _source_file, _source_line, id FROM bronze.jsonmess')) {
          assert.match(lineOf(file!, Number(line)) ?? '', new RegExp(`^\\{"id":${id},`), `${file}:${line} holds id ${id}`);
        }
      }),
    );
  });

  test('a second ingest of the same messy files adds nothing, and bad commands fail in one line', async () => {
    const again = await cliOk(dir, 'ingest');
    for (const s of ['csvmess', 'jsonmess', 'jsonarr']) assert.match(again, new RegExp(`ingest\\.${s}\\s+succeeded\\s+0\\s`), again);
    for (const args of [['ingest', 'nosuch'], ['quarantine', 'show', 'nosuch'], ['runs', 'show', 'nosuch']]) {
      const r = await cli(dir, ...args);
      assertNoStack(r, args.join(' '));
      assert.notEqual(r.code, 0, `silt ${args.join(' ')} fails`);
      assert.match(r.stderr.trim(), /^silt: .*nosuch/, `silt ${args.join(' ')}: ${r.stderr}`);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    }
  });
});
