/** Every expectation kind under every policy, at the pipeline level, with rows that break it. */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ExpectationResult, Policy } from '../transform/index.js';
import { openProject, withProject, type Project } from '../project/index.js';
import { runPipeline, type RunResult } from './run.js';
import {
  addLanding, assertReconciled, count, query, removeDir, rewritePipelineYaml, smallProject, snapshotOf, step, tempDir, withSession,
} from '../testing/pipeline-project.js';

type Kind = 'not_null' | 'unique' | 'range' | 'allowed_values' | 'regex' | 'length' | 'references' | 'sql';

/** Each rule, and the row ids that break it (each bad row breaks exactly one rule). */
const RULES: Record<Kind, { yaml: string; breaks: number[]; column?: string; label: string }> = {
  not_null: { yaml: 'rule: not_null, column: code', breaks: [2], column: 'code', label: 'not_null' },
  unique: { yaml: 'rule: unique, column: sku', breaks: [9, 10], column: 'sku', label: 'unique' },
  range: { yaml: 'rule: range, column: qty, min: 0, max: 100', breaks: [3], column: 'qty', label: 'range' },
  allowed_values: { yaml: 'rule: allowed_values, column: color, values: [red, green, blue]', breaks: [4], column: 'color', label: 'allowed_values' },
  regex: { yaml: "rule: regex, column: code, pattern: '^[A-Z]+-[0-9]+$'", breaks: [5], column: 'code', label: 'regex' },
  length: { yaml: 'rule: length, column: code, min: 4, max: 8', breaks: [6], column: 'code', label: 'length' },
  references: { yaml: 'rule: references, column: cat, table: silver.cats, to: cat_id', breaks: [7], column: 'cat', label: 'references' },
  sql: { yaml: "rule: sql, name: price_within_qty, predicate: 'price <= qty * 10'", breaks: [8], label: 'price_within_qty' },
};
const KINDS = Object.keys(RULES) as Kind[];

const HEADER = 'id,sku,code,qty,color,cat,price';
const CLEAN = ['1,S1,AB-1,5,red,1,10.00', '11,S11,CD-11,7, Blue ,2,12.50'];
const BAD = [
  '2,S2,,5,red,1,10.00', // code missing
  '3,S3,AB-3,500,red,1,10.00', // qty out of range
  '4,S4,AB-4,5,purple,1,10.00', // color not allowed
  '5,S5,ab 5,5,red,1,10.00', // code does not match the pattern
  '6,S6,ABCDEFG-123,5,red,1,10.00', // code too long
  '7,S7,AB-7,5,red,99,10.00', // no category 99
  '8,S8,AB-8,1,red,1,99.00', // price above qty * 10
  '9,DUP,AB-9,5,green,2,10.00', // sku used twice
  '10,DUP,AB-10,5,blue,2,10.00',
];

function pipelineYaml(policy: (k: Kind) => Policy): string {
  return `
sources:
  cats:  { path: cats/,  format: csv }
  items: { path: items/, format: csv }
silver:
  cats:
    source: bronze.cats
    key: cat_id
    columns:
      cat_id: { type: long, required: true }
      label:  { type: string }
  items:
    source: bronze.items
    key: id
    columns:
      id:    { type: long, required: true }
      sku:   { type: string, trim: true }
      code:  { type: string, trim: true }
      qty:   { type: long }
      color: { type: string, trim: true, case: lower }
      cat:   { type: long }
      price: { type: 'decimal(10,2)' }
    expectations:
${KINDS.map((k) => `      - { ${RULES[k].yaml}, policy: ${policy(k)} }`).join('\n')}
gold:
  models: models
`;
}

const MODELS = { 'items_by_color.sql': 'SELECT color, count(*) AS items FROM silver.items GROUP BY color\n' };
const CATS = 'cat_id,label\n1,tools\n2,toys\n';

async function newProject(root: string, name: string, policy: (k: Kind) => Policy, items: readonly string[]): Promise<string> {
  const dir = path.join(root, name);
  await smallProject(dir, pipelineYaml(policy), { 'cats/cats.csv': CATS, 'items/items_1.csv': [HEADER, ...items].join('\n') + '\n' }, MODELS);
  return dir;
}

function results(run: RunResult): ExpectationResult[] {
  return (step(run.steps, 'silver.items').details as { expectations: ExpectationResult[] }).expectations;
}

describe('expectations at the pipeline level', () => {
  let root: string;
  before(async () => (root = await tempDir('expectations')));
  after(async () => removeDir(root));

  test('warn: rows that break a rule are kept, and the run records how many broke each rule', async () => {
    const dir = await newProject(root, 'warn', () => 'warn', [...CLEAN, ...BAD]);
    await withProject({ projectDir: dir }, async (project) => {
      const run = await runPipeline(project);
      assert.equal(run.status, 'succeeded');
      assertReconciled(run.steps);
      const s = step(run.steps, 'silver.items');
      assert.deepEqual([s.rowsIn, s.rowsWritten, s.rowsQuarantined], [11, 11, 0]);
      const found = results(run);
      for (const k of KINDS) {
        const r = found.find((x) => x.rule === RULES[k].label);
        assert.ok(r, `a result for ${k} in ${JSON.stringify(found)}`);
        assert.equal(r.policy, 'warn');
        assert.equal(r.failing_rows, RULES[k].breaks.length, `${k} failing rows`);
        if (RULES[k].column) assert.equal(r.column, RULES[k].column);
      }
      await withSession(project, async (sql) => {
        assert.equal(await count(sql, 'silver.items'), 11);
        assert.equal(await count(sql, 'silver.items_quarantine'), 0);
        assert.equal(await count(sql, 'gold.items_by_color'), 4, 'red, blue, green and purple');
      });
    });
  });

  test('drop: each breaking row goes to quarantine under its rule, with a reason naming the value; the rest reach silver', async () => {
    const dir = await newProject(root, 'drop', () => 'drop', [...CLEAN, ...BAD]);
    await withProject({ projectDir: dir }, async (project) => {
      const run = await runPipeline(project);
      assert.equal(run.status, 'succeeded');
      assertReconciled(run.steps);
      const s = step(run.steps, 'silver.items');
      assert.deepEqual([s.rowsIn, s.rowsWritten, s.rowsQuarantined, s.rowsDeduplicated], [11, 2, 9, 0]);
      await withSession(project, async (sql) => {
        assert.deepEqual(await query(sql, 'SELECT id, color FROM silver.items ORDER BY id'), [['1', 'red'], ['11', 'blue']]);
        const held = await query(sql, `SELECT CAST(json_extract_string(original, '$.id') AS INT) AS id, rule, "column", reason, _source_file, _source_line FROM silver.items_quarantine ORDER BY id`);
        for (const k of KINDS) {
          const rows = held.filter((r) => RULES[k].breaks.includes(Number(r[0])));
          assert.equal(rows.length, RULES[k].breaks.length, `${k}: ${JSON.stringify(held)}`);
          for (const r of rows) {
            assert.equal(r[1], RULES[k].label, `rule of row ${r[0]}`);
            assert.equal(r[2], RULES[k].column ?? null, `column of row ${r[0]}`);
            assert.ok(r[3] && r[3].length > 5, `a reason for row ${r[0]}`);
            assert.equal(r[4], 'landing/items/items_1.csv');
            assert.equal(Number(r[5]), CLEAN.length + BAD.findIndex((line) => line.startsWith(`${r[0]},`)) + 2, `file line of row ${r[0]} (the header is line 1)`);
          }
        }
        const reason = (id: number) => held.find((r) => Number(r[0]) === id)?.[3] ?? '';
        assert.match(reason(3), /qty.*500.*100/);
        assert.match(reason(4), /color.*purple/);
        assert.match(reason(5), /code.*ab 5/);
        assert.match(reason(6), /code.*length 11/);
        assert.match(reason(7), /cat.*99.*silver\.cats/);
        assert.match(reason(8), /price_within_qty.*price <= qty \* 10/);
        assert.match(reason(9), /sku.*DUP.*not unique/);
        assert.deepEqual(await query(sql, 'SELECT color, items FROM gold.items_by_color ORDER BY 1'), [['blue', '1'], ['red', '1']]);
      });
    });
  });

  test('a references rule to a column the table lacks fails the step, naming the contract and the column', async () => {
    const dir = path.join(root, 'no-column');
    await smallProject(dir, pipelineYaml(() => 'drop').replace('to: cat_id', 'to: category'), { 'cats/cats.csv': CATS, 'items/items_1.csv': [HEADER, ...CLEAN].join('\n') + '\n' }, MODELS);
    await withProject({ projectDir: dir }, async (project) => {
      const s = step((await runPipeline(project)).steps, 'silver.items');
      assert.equal(s.status, 'failed');
      assert.match(s.error ?? '', /^silver\.items: references\/enrich read category from silver\.cats: .*"category"/, s.error);
    });
  });

  describe('fail: the step fails, silver and its quarantine stay at their snapshot, gold does not run', () => {
    let dir: string;
    let project: Project;
    before(async () => {
      dir = await newProject(root, 'fail', () => 'fail', CLEAN);
      await withProject({ projectDir: dir }, async (p) => assertReconciled((await runPipeline(p)).steps));
      await addLanding(dir, { 'items/items_2.csv': [HEADER, ...BAD].join('\n') + '\n' });
    });
    after(async () => project?.close());

    for (const kind of KINDS) {
      test(`${kind} with policy fail`, async () => {
        await rewritePipelineYaml(dir, pipelineYaml((k) => (k === kind ? 'fail' : 'warn')));
        await project?.close();
        project = await openProject({ projectDir: dir });
        const tables = ['silver.items', 'silver.items_quarantine', 'silver.cats', 'gold.items_by_color'];
        const before = await Promise.all(tables.map((t) => snapshotOf(project, t)));
        const run = await runPipeline(project);
        assert.equal(run.status, 'failed');
        const s = step(run.steps, 'silver.items');
        assert.equal(s.status, 'failed');
        assert.match(s.error ?? '', new RegExp(`silver\\.items.*${RULES[kind].label}.*nothing was committed`), s.error);
        if (RULES[kind].column) assert.match(s.error ?? '', new RegExp(RULES[kind].column!));
        assert.equal(step(run.steps, 'gold.items_by_color').status, 'not_run');
        assert.equal(step(run.steps, 'silver.cats').status, 'succeeded');
        assert.deepEqual(await Promise.all(tables.map((t) => snapshotOf(project, t))), before, 'no table moved');
        await withSession(project, async (sql) => {
          assert.deepEqual(await query(sql, 'SELECT id FROM silver.items ORDER BY id'), [['1'], ['11']]);
          assert.equal(await count(sql, 'bronze.items'), CLEAN.length + BAD.length, 'bronze took the file before silver failed');
        });
        const logged = await project.catalog.runLog.run(run.runId);
        assert.equal(logged?.run.status, 'failed');
        assert.match(logged?.run.error ?? '', new RegExp(RULES[kind].label));
      });
    }

    test('once the rules are relaxed, the next run processes the rows the failed runs left', async () => {
      await rewritePipelineYaml(dir, pipelineYaml(() => 'warn'));
      await project?.close();
      project = await openProject({ projectDir: dir });
      const run = await runPipeline(project);
      assertReconciled(run.steps);
      assert.equal(step(run.steps, 'silver.items').rowsIn, BAD.length);
      await withSession(project, async (sql) => assert.equal(await count(sql, 'silver.items'), CLEAN.length + BAD.length));
    });
  });
});
