/** `silt quarantine list/show` covers bronze rejects too: file, line, raw text and reason, like silver quarantine. */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ordersYaml } from '../testing/orders-yaml.js';
import { assertNoStack, cli, cliOk, removeDir, smallProject, tempDir } from '../testing/pipeline-project.js';

const YAML = ordersYaml('', '  feed:   { path: feed/, format: ndjson, table: raw.feed }\n');

const LANDING = {
  'orders/a.csv': 'id,amount\n1,2.5\n2,3,extra\n3,lots\n',
  'feed/f.ndjson': '{"id":1}\nnot json\n',
};

describe('bronze rejects in silt quarantine', () => {
  let root: string;
  let dir: string;

  before(async () => {
    root = await tempDir('bronze-quarantine');
    dir = await smallProject(path.join(root, 'p'), YAML, LANDING);
    await cliOk(dir, 'run');
  });
  after(async () => removeDir(root));

  test('silt quarantine list counts the rejects of each source next to the silver rules', async () => {
    const out = await cliOk(dir, 'quarantine', 'list');
    assert.match(out, /^silver\.orders\s+type\(amount\)\s+1\s/m, out);
    assert.match(out, /^bronze\.orders\s+rejected\s+1\s/m, out);
    assert.match(out, /^raw\.feed\s+rejected\s+1\s/m, out);
  });

  test('silt quarantine show bronze.<source> shows file, line, raw text and reason', async () => {
    const out = await cliOk(dir, 'quarantine', 'show', 'bronze.orders', '--format', 'csv');
    assert.match(out, /^file,line,raw,error,batch_id\nlanding\/orders\/a\.csv,3,"2,3,extra","expected 2 columns, found 3",\S+\n$/, out);
    const feed = await cliOk(dir, 'quarantine', 'show', 'raw.feed_rejects', '--format', 'json');
    const row = JSON.parse(feed.trim()) as Record<string, unknown>;
    assert.deepEqual([row['file'], String(row['line']), row['raw']], ['landing/feed/f.ndjson', '2', 'not json']);
    assert.match(String(row['error']), /JSON/);
  });

  test('an unknown table or a rule on rejects is one line naming what is valid', async () => {
    for (const [args, message] of [
      [['quarantine', 'show', 'bronze.order'], /^silt: quarantine: no table bronze\.order sets rows aside \(did you mean bronze\.orders\?\); name one of: silver\.orders, bronze\.orders, raw\.feed\n$/],
      [['quarantine', 'show', 'x; drop table silver.orders'], /^silt: quarantine: no table x; drop table silver\.orders sets rows aside; name one of: /],
      [['quarantine', 'replay', 'bronze.orders'], /^silt: quarantine: bronze\.orders holds records ingest could not read, which no contract can replay; fix the file and drop it in landing again \(changed content is a new file\)\n$/],
      [['quarantine', 'replay', 'silver.order'], /^silt: quarantine: no table silver\.order sets rows aside \(did you mean silver\.orders\?\)/],
      [['quarantine', 'show', 'bronze.orders', '--rule', 'type'], /^silt: quarantine: bronze\.orders holds rejected records, which have no rule; leave out --rule\n$/],
    ] as const) {
      const r = await cli(dir, ...args);
      assertNoStack(r, args.join(' '));
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, message);
    }
  });
});
