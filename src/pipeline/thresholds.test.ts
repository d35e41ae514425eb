/** Declared thresholds: past `max_invalid_ratio` / `max_invalid_rows` a silver step fails, commits nothing, and the run record keeps the ratio. */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { withProject } from '../project/index.js';
import { cli, removeDir, rewritePipelineYaml, smallProject, snapshotOf, tempDir } from '../testing/pipeline-project.js';
import { runPipeline } from './run.js';

const yaml = (rule: string, table = '') => `
sources:
  people: { path: people/, format: csv }
silver:
  people:
    source: bronze.people
    key: id${table}
    columns:
      id: { type: long }
      email: { type: string }
      age: { type: int }
    expectations:
      - { rule: regex, name: email_shape, column: email, pattern: '^[^@]+@[^@]+$', ${rule} }
`;

// 10 rows: 3 emails without @, 1 age that is no number.
const CSV = ['id,email,age', ...Array.from({ length: 10 }, (_, i) => `${i + 1},${i < 3 ? 'nobody' : `p${i}@x.org`},${i === 9 ? 'old' : 30 + i}`), ''].join('\n');

async function lastStep(dir: string): Promise<{ status: string; error: string | null; details: Record<string, unknown> }> {
  return withProject({ projectDir: dir }, async (p) => {
    const [latest] = await p.catalog.runLog.runs(1);
    const steps = (await p.catalog.runLog.run(latest!.runId))!.steps;
    const s = steps.find((x) => x.step === 'silver.people')!;
    return { status: s.status, error: s.error, details: JSON.parse(s.details ?? '{}') as Record<string, unknown> };
  });
}

describe('thresholds on a run batch', () => {
  let root: string;
  let dir: string;

  before(async () => {
    root = await tempDir('thresholds');
    dir = await smallProject(path.join(root, 'p'), yaml('policy: drop, max_invalid_ratio: 0.2'), { 'people/a.csv': CSV });
  });
  after(async () => removeDir(root));

  test('a rule past its ratio fails the run (exit 5) naming table, rule, ratio and threshold; nothing is committed; the record keeps the ratio', async () => {
    const r = await cli(dir, 'run');
    assert.equal(r.code, 5, r.stdout + r.stderr);
    assert.match(r.stdout + r.stderr, /silver\.people: 3 of 10 rows failing rule email_shape on email \(ratio 0\.3\) is past its max_invalid_ratio 0\.2; nothing was committed/);
    await withProject({ projectDir: dir }, async (p) => {
      assert.equal(await snapshotOf(p, 'silver.people'), undefined);
      assert.equal(await snapshotOf(p, 'silver.people_quarantine'), undefined);
    });
    const step = await lastStep(dir);
    assert.equal(step.status, 'failed');
    assert.deepEqual(
      { rule: step.details['rule'], ratio: step.details['invalid_ratio'], threshold: step.details['threshold'], table: step.details['table'] },
      { rule: 'email_shape', ratio: 0.3, threshold: 'max_invalid_ratio 0.2', table: 'silver.people' },
    );
  });

  test('within the threshold the run commits, and records each threshold with its ratio', async () => {
    await rewritePipelineYaml(dir, yaml('policy: drop, max_invalid_ratio: 0.3, max_invalid_rows: 3'));
    const run = await withProject({ projectDir: dir }, (p) => runPipeline(p));
    assert.equal(run.status, 'succeeded');
    const step = await lastStep(dir);
    assert.equal(step.status, 'succeeded');
    assert.deepEqual(step.details['thresholds'], [
      { rule: 'email_shape', column: 'email', invalid_rows: 3, rows: 10, invalid_ratio: 0.3, max_invalid_ratio: 0.3, max_invalid_rows: 3, exceeded: false },
    ]);
  });

  test("the table's threshold counts every quarantined row, a failed cast too; a warn rule's threshold counts its flagged rows", async () => {
    const fresh = await smallProject(path.join(root, 'q'), yaml('policy: drop', '\n    max_invalid_rows: 3'), { 'people/a.csv': CSV });
    const r = await cli(fresh, 'run');
    assert.equal(r.code, 5, r.stdout + r.stderr);
    assert.match(r.stdout + r.stderr, /silver\.people: 4 of 10 rows quarantined \(ratio 0\.4\) is past the table's max_invalid_rows 3/);

    await rewritePipelineYaml(fresh, yaml('policy: warn, max_invalid_rows: 2'));
    const w = await cli(fresh, 'run');
    assert.equal(w.code, 5, w.stdout + w.stderr);
    assert.match(w.stdout + w.stderr, /3 of 10 rows failing rule email_shape on email \(ratio 0\.3\) is past its max_invalid_rows 2/);
  });

  test('a threshold on a fail rule, or a ratio above 1, is refused naming the key', async () => {
    for (const [rule, said] of [
      ['policy: fail, max_invalid_rows: 2', /silver\.people\.expectations\.0\.max_invalid_rows: .*no threshold on a fail rule/],
      ['policy: drop, max_invalid_ratio: 1.5', /silver\.people\.expectations\.0\.max_invalid_ratio/],
    ] as const) {
      await rewritePipelineYaml(dir, yaml(rule));
      const r = await cli(dir, 'plan');
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.match(r.stderr, said);
    }
  });
});
