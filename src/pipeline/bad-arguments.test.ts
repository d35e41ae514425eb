/** Commands given bad arguments: one `silt: …` line saying what was wrong and what would do, a non-zero exit, no stack. */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ordersYaml } from '../testing/orders-yaml.js';
import { assertNoStack, cli, cliOk, removeDir, smallProject, tempDir } from '../testing/pipeline-project.js';

const YAML = ordersYaml('    expectations:\n      - { rule: range, column: amount, min: 0, policy: drop }\n');

const CASES: [string[], number, RegExp][] = [
  [['ingest', 'order'], 3, /^silt: ingest: no source order in silt\.yaml \(did you mean orders\?\); sources: orders$/],
  [['run', '--select', 'silver.order'], 3, /^silt: run: --select silver\.order: no step or table named silver\.order \(did you mean silver\.orders\?\); steps: ingest\.orders, silver\.orders$/],
  [['runs', '--limit', 'abc'], 1, /^silt: runs: --limit must be a positive whole number, found "abc"$/],
  [['runs', '--limit', '-3'], 1, /^silt: runs: --limit must be a positive whole number, found "-3"$/],
  [['runs', 'show', 'nosuchid'], 3, /^silt: runs: no run nosuchid; `silt runs` lists them$/],
  [['query', 'SELEC 1'], 1, /^silt: query: .*syntax error at or near "SELEC"$/],
  [['quarantine', 'replay', 'orders', '--rule', 'nosuch'], 3, /^silt: quarantine: silver\.orders holds no rows for rule nosuch; rules held: range\(amount\), type\(amount\)$/],
  [['query', 'SELECT 1', '--output', 'nosuchdir/x.csv', '--format', 'csv'], 1, /^silt: query: --output nosuchdir\/x\.csv: the folder \S+nosuchdir does not exist; create it first$/],
  [['query', 'SELECT 1', '--output', 'nosuchdir/x.txt'], 1, /^silt: query: --output nosuchdir\/x\.txt: the folder \S+nosuchdir does not exist; create it first$/],
  [['query', 'SELECT 1', '--output', '.', '--format', 'json'], 1, /^silt: query: --output \. is a folder; name a file in it$/],
  [['init', 'silt.yaml/sub'], 1, /^silt: init: \S+silt\.yaml is a file, so no project folder can be made at \S+sub; pick another folder$/],
  [['demo', '--dir', 'silt.yaml', '--rows', '5'], 1, /^silt: init: \S+silt\.yaml is a file, so no project folder can be made at \S+silt\.yaml; pick another folder$/],
  [['demo', '--dir', 'elsewhere', '--rows', '-5'], 1, /^silt: demo: --rows must be a positive whole number, found "-5"$/],
];

describe('bad arguments', () => {
  let root: string;
  let dir: string;

  before(async () => {
    root = await tempDir('bad-args');
    dir = await smallProject(path.join(root, 'p'), YAML, { 'orders/a.csv': 'id,amount\n1,2\n2,-1\n3,x\n' });
    await cliOk(dir, 'run');
  });
  after(async () => removeDir(root));

  for (const [args, code, message] of CASES) {
    test(`silt ${args.join(' ')}`, async () => {
      const r = await cli(dir, ...args);
      assertNoStack(r, args.join(' '));
      assert.equal(r.code, code, r.stderr);
      assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
      assert.match(r.stderr.trimEnd(), message);
    });
  }

  test('a rule named as silt quarantine list shows it, range(amount), picks the same rows as range', async () => {
    const out = await cliOk(dir, 'quarantine', 'replay', 'orders', '--rule', 'range(amount)');
    assert.match(out, /^replayed 1 rows of silver\.orders: 0 now pass, 1 still quarantined/, out);
    const shown = await cliOk(dir, 'quarantine', 'show', 'orders', '--rule', 'range(amount)', '--format', 'csv');
    assert.equal(shown.trim().split('\n').length, 2, shown);
  });
});
