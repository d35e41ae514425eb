/** silt.yaml typos and wrong types: one line naming the file, line, key path and problem, a hint where it helps, exit 1. */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ordersYaml } from '../testing/orders-yaml.js';
import { assertNoStack, cli, removeDir, rewritePipelineYaml, smallProject, tempDir } from '../testing/pipeline-project.js';

const contract = ordersYaml;

const CASES: [string, string, RegExp][] = [
  ['a misspelled key in a source', 'sources:\n  orders: { path: orders/, fromat: csv }\n', /line \d+: sources\.orders\.fromat: unknown key \(did you mean `format`\?\); expected one of: path, format, delimiter, header, records, include, exclude, hive_columns, archive, table, push, pull, schedule$/],
  ['a bad glob in exclude', 'sources:\n  orders: { path: orders/, exclude: ["README*", "*.{csv"] }\n', /line \d+: sources\.orders\.exclude\.1: expected a glob pattern: "\*\.\{csv": \{ at character 3 is never closed by \} \(write \\\{ for the character itself\), found "\*\.\{csv"$/],
  ['an archive inside landing', 'landing:\n  archive: { prefix: landing/old/ }\nsources:\n  orders: { path: orders/ }\n', /line \d+: landing\.archive\.prefix: expected a folder outside landing\/ \(archived files there would be ingested again\) and warehouse\/ \(the tables\), found "landing\/old\/"$/],
  ['a misspelled format', 'sources:\n  orders: { path: orders/, format: cvs }\n', /sources\.orders\.format: expected one of csv, tsv, json, ndjson, parquet, found "cvs" \(did you mean `csv`\?\)$/],
  ['a misspelled column key', contract('').replace('amount: { type: double }', 'amount: { typ: double }'), /silver\.orders\.columns\.amount\.typ: unknown key \(did you mean `type`\?\); expected one of: type, required, from, /],
  ['a misspelled expectation kind', contract('    expectations:\n      - { rule: not_nul, column: id }'), /silver\.orders\.expectations\.0\.rule: expected a rule: .*, found "not_nul" \(did you mean `not_null`\?\)$/],
  ['a misspelled policy', contract('    expectations:\n      - { rule: not_null, column: id, policy: dorp }'), /silver\.orders\.expectations\.0\.policy: expected one of warn, drop, fail, found "dorp" \(did you mean `drop`\?\)$/],
  ['a misspelled key of an expectation', contract('    expectations:\n      - { rule: range, column: amount, mx: 5 }'), /silver\.orders\.expectations\.0\.mx: unknown key \(did you mean `max`\?\); expected one of: rule, column, min, max, /],
  ['a string where a list is expected', contract('    expectations:\n      - { rule: allowed_values, column: id, values: one }'), /silver\.orders\.expectations\.0\.values: expected an array, found "one"$/],
  ['a number where a name or list is expected', contract('').replace('key: id', 'key: 5'), /silver\.orders\.key: expected a string or an array, found 5$/],
  ['a key list written as words', contract('').replace('key: id', 'key: id amount'), /line \d+: silver\.orders\.key: expected a declared column \(one of: id, amount\), found "id amount"$/],
  ['a list where a mapping is expected', 'sources: [orders]\n', /line \d+: sources: expected a mapping of `name: …` entries, found \["orders"\]$/],
  ['a word where settings are expected', contract('').replace('amount: { type: double }', 'amount: double'), /silver\.orders\.columns\.amount: expected a mapping of `key: value` settings, found "double"$/],
  ['a source that is no namespace.table', contract('').replace('source: bronze.orders', 'source: orders'), /silver\.orders\.source: expected a table as namespace\.table, e\.g\. bronze\.orders, found "orders"$/],
];

describe('silt.yaml mistakes', () => {
  let root: string;
  let dir: string;

  before(async () => {
    root = await tempDir('config-errors');
    dir = await smallProject(path.join(root, 'p'), contract(''), { 'orders/a.csv': 'id,amount\n1,2\n' });
  });
  after(async () => removeDir(root));

  for (const [what, yaml, message] of CASES) {
    test(`${what}: one line naming silt.yaml and the key`, async () => {
      await rewritePipelineYaml(dir, yaml);
      const r = await cli(dir, 'run');
      assertNoStack(r, 'run');
      assert.equal(r.code, 1, r.stderr);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /^silt: config: silt\.yaml line \d+: /);
      assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
      assert.match(r.stderr.trimEnd(), message);
    });
  }
});
