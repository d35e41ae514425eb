/** A broken gold model names its file; a misspelled table, the table meant. */
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { assertNoStack, cli, removeDir, rewritePipelineYaml, smallProject, tempDir } from '../testing/pipeline-project.js';

const YAML = `
sources:
  orders: { path: orders/, format: csv }
silver:
  orders:
    source: bronze.orders
    columns:
      id: { type: long }
`;

describe('gold model mistakes', () => {
  let root: string;
  let dir: string;

  before(async () => {
    root = await tempDir('model-errors');
    dir = await smallProject(path.join(root, 'p'), YAML, { 'orders/a.csv': 'id\n1\n' }, {
      'good.sql': 'SELECT count(*) AS n FROM silver.orders',
      'bad_ref.sql': 'SELECT * FROM silver.order',
      'bad_col.sql': 'SELECT nosuch FROM silver.orders',
    });
  });
  after(async () => removeDir(root));

  test('a model reading a missing table or column fails its step, naming the file; the others build', async () => {
    const r = await cli(dir, 'run');
    assertNoStack(r, 'run');
    assert.equal(r.code, 1, r.stdout); // the first failed step's error (bad_col: invalid input), not 5: no fail rule broke
    assert.match(r.stdout, /^gold\.good\s+succeeded\s/m, r.stdout);
    assert.match(r.stdout, /^gold\.bad_ref: failed: models\/bad_ref\.sql: no table silver\.order \(did you mean silver\.orders\?\) \(tables in silver: orders, orders_quarantine\)$/m, r.stdout);
    assert.match(r.stdout, /^gold\.bad_col: failed: models\/bad_col\.sql: .*"nosuch"/m, r.stdout);
  });

  test('silt query with a misspelled table suggests the table meant, in one line', async () => {
    const r = await cli(dir, 'query', 'SELECT * FROM silver.order');
    assertNoStack(r, 'query');
    assert.equal(r.code, 3);
    assert.match(r.stderr, /^silt: query: no table silver\.order \(did you mean silver\.orders\?\) \(tables in silver: orders, orders_quarantine\)\n$/);
  });

  test('a model with a syntax error stops the run before it starts, naming the file', async () => {
    await fs.writeFile(path.join(dir, 'models', 'bad_syntax.sql'), 'SELEC 1');
    const r = await cli(dir, 'run');
    assertNoStack(r, 'run');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^silt: models: models\/bad_syntax\.sql: .*syntax error at or near "SELEC"\n$/);
  });

  test('models that read each other are a cycle: plan, apply and run all refuse it, naming the models', async () => {
    await fs.writeFile(path.join(dir, 'models', 'bad_syntax.sql'), 'SELECT 1 AS x');
    await fs.writeFile(path.join(dir, 'models', 'cyc_a.sql'), 'SELECT * FROM gold.cyc_b');
    await fs.writeFile(path.join(dir, 'models', 'cyc_b.sql'), 'SELECT * FROM gold.cyc_a');
    try {
      for (const command of ['plan', 'apply', 'run']) {
        const r = await cli(dir, command);
        assertNoStack(r, command);
        assert.equal(r.code, 1, `${command}: ${r.stdout}`);
        assert.match(r.stderr, /^silt: pipeline: the steps read each other in a cycle: gold\.cyc_a → gold\.cyc_b → gold\.cyc_a; a step cannot read a table it feeds\n$/, command);
      }
    } finally {
      await fs.rm(path.join(dir, 'models', 'cyc_a.sql'));
      await fs.rm(path.join(dir, 'models', 'cyc_b.sql'));
    }
  });

  test('a models folder that is not there is a config error with the folder meant, not a run without models', async () => {
    await rewritePipelineYaml(dir, `${YAML}gold:\n  models: modles\n`);
    const r = await cli(dir, 'run');
    assertNoStack(r, 'run');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^silt: config: silt\.yaml: gold\.models: the folder modles does not exist in \S+ \(did you mean models\?\); create it or fix the path\n$/);
  });
});
