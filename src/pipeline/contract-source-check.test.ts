/** A contract is checked against its source every run, not only when new rows happen to arrive. */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { assertNoStack, cli, cliOk, removeDir, rewritePipelineYaml, smallProject, tempDir } from '../testing/pipeline-project.js';

const yaml = (source: string, column: string, rule = '') => `
sources:
  orders: { path: orders/, format: csv }
  events: { path: events/, format: ndjson }
silver:
  orders:
    source: ${source}
    key: id
    columns:
      id: { type: long }
      ${column}: { type: double }
    expectations: [${rule}]
  events:
    source: bronze.events
    columns:
      id: { type: long }
`;

describe('contract against its source', () => {
  let root: string;
  let dir: string;
  let first: string;

  before(async () => {
    root = await tempDir('contract-source');
    dir = await smallProject(path.join(root, 'p'), yaml('bronze.orders', 'amount'), { 'orders/a.csv': 'id,amount\n1,2\n' });
    first = await cliOk(dir, 'run');
  });
  after(async () => removeDir(root));

  test('a source with no file yet leaves its contract nothing to do, with a warning, not a failure', () => {
    assert.match(first, /^silver\.events\s+succeeded\s+0\s+0\s+0\s+0\s/m, first);
    assert.match(first, /^silver\.events: warning: bronze\.events holds no rows yet: ingest\.events has ingested no file$/m, first);
  });

  test('a misspelled column fails the run though no new rows arrived, naming the column meant', async () => {
    await rewritePipelineYaml(dir, yaml('bronze.orders', 'amout'));
    const r = await cli(dir, 'run');
    assertNoStack(r, 'run');
    assert.equal(r.code, 1, r.stdout); // invalid input: not a fail rule (5)
    assert.match(r.stdout, /^silver\.orders: failed: .*column amout reads amout, which the source does not have \(did you mean amount\?\)/m, r.stdout);
  });

  test('a misspelled source table names the silt.yaml key and the table meant', async () => {
    await rewritePipelineYaml(dir, yaml('bronze.order', 'amount'));
    const r = await cli(dir, 'run');
    assertNoStack(r, 'run');
    assert.equal(r.code, 3, r.stdout); // not found, as in every command
    assert.match(
      r.stdout,
      /^silver\.orders: failed: silver\.orders: source bronze\.order \(silt\.yaml silver\.orders\.source\) is no table \(did you mean bronze\.orders\?\); tables: bronze\.orders\b/m,
      r.stdout,
    );
  });

  test('a rule literal that does not fit its column fails the run though no new rows arrived, naming the silt.yaml key', async () => {
    await rewritePipelineYaml(dir, yaml('bronze.orders', 'amount', '{ rule: range, column: amount, max: lots }'));
    const r = await cli(dir, 'run');
    assertNoStack(r, 'run');
    assert.equal(r.code, 1, r.stdout);
    assert.match(r.stdout, /^silver\.orders: failed: silt\.yaml silver\.orders\.expectations\.0\.max: expected a double value; DuckDB says: .*'lots'/m, r.stdout);
  });
});
