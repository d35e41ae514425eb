/** Landing files no source reads are shown with the reason, so a user sees why a file never lands. */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { cliOk, removeDir, smallProject, tempDir } from '../testing/pipeline-project.js';

const YAML = `
sources:
  orders: { path: orders/, format: csv }
  events: { path: events/, format: ndjson }
`;

const LANDING = {
  'orders/a.csv': 'id\n1\n',
  'orders/b.json': '[{"id":5},{"id":6}]',
  'events/log.txt': '{"id":7}\n',
  'order/typo.csv': 'id\n2\n',
  'misc/c.csv': 'id\n3\n',
  'readme.txt': 'hello',
  '_SUCCESS': '',
  'orders/late.csv.partial': 'id\n9\n',
};

describe('unclaimed landing files', () => {
  let root: string;
  let dir: string;

  before(async () => {
    root = await tempDir('unclaimed');
    dir = await smallProject(path.join(root, 'p'), YAML, LANDING);
  });
  after(async () => removeDir(root));

  test('silt landing lists each with the reason and, for a near miss, the folder meant', async () => {
    const out = await cliOk(dir, 'landing');
    assert.match(out, /^-\s+landing\/order\/typo\.csv\s+\S+ B\s+unclaimed$/m, out);
    assert.match(out, /^landing\/order\/typo\.csv: no source reads landing\/order\/; did you mean landing\/orders\/\? Move it there$/m, out);
    assert.match(out, /^landing\/misc\/c\.csv: no source reads landing\/misc\/; move it under a source's path \(orders\/, events\/\) or add a source for it in silt\.yaml$/m, out);
    assert.match(out, /^landing\/readme\.txt: no source reads files at the top of landing\//m, out);
    assert.doesNotMatch(out, /_SUCCESS/, 'marker files writers leave are no data');
    assert.match(out, /^landing\/orders\/late\.csv\.partial: named as a file still being copied \(\.partial, \.tmp\); rename it once it is complete$/m, out);
    const all = await cliOk(dir, 'landing', '--all');
    assert.match(all, /^-\s+landing\/_SUCCESS\s+0 B\s+ignored$/m, all);
    assert.match(all, /^landing\/_SUCCESS: a name \(or folder\) starting with \. or _ is hidden, .*; rename it to have it ingested$/m, all);
    assert.match(out, /^orders\s+landing\/orders\/b\.json\s+\S+ B\s+unclaimed$/m, out);
    assert.match(
      out,
      /^landing\/orders\/b\.json: source orders reads csv \(silt\.yaml sources\.orders\.format\), but the name says json; move the file to a source that reads json, or remove the format to read each file by its name$/m,
      out,
    );
    assert.match(out, /^events\s+landing\/events\/log\.txt\s+\S+ B\s+pending$/m, 'a .txt name does not say which kind of text');
    assert.match(out, /^landing: 2 pending, 0 done, 1 incomplete, 4 unclaimed$/m, out);
  });

  test('silt ingest and silt run say that files were left, and where to look; a file of another format is not read as the wrong kind', async () => {
    for (const command of ['ingest', 'run']) {
      const out = await cliOk(dir, command);
      assert.match(out, /^landing: 4 files no source reads \(landing\/misc\/c\.csv, landing\/order\/typo\.csv, landing\/orders\/b\.json, …\); `silt landing` says why$/m, out);
    }
    const bronze = await cliOk(dir, 'query', 'SELECT * FROM bronze.orders', '--format', 'csv');
    assert.match(bronze, /^id,_ingested_at,/, 'no column named after the JSON text');
    assert.equal(bronze.trim().split('\n').length, 2, bronze);
    assert.match(await cliOk(dir, 'landing'), /^orders\s+landing\/orders\/b\.json\s+\S+ B\s+unclaimed$/m, 'left for the user, to be taken once the config fits');
  });
});
