/**
 * `partition_by` on a silver table: files follow the declared spec, plan shows a change, apply
 * evolves the spec (old files untouched, new ones in the new spec), queries prune by it, and
 * PyIceberg reads the table row for row.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openProject } from '../project/index.js';
import { diffParquet } from '../testing/parquet-diff.js';
import { addLanding, assertNoStack, cli, cliOk, removeDir, rewritePipelineYaml, smallProject, tempDir } from '../testing/pipeline-project.js';
import { pyicebergRead } from '../testing/pyiceberg.js';

const yaml = (partition: string) => `
sources:
  sales: { path: sales/, format: csv }
silver:
  sales:
    source: bronze.sales
    key: sale_id
    partition_by: "${partition}"
    columns:
      sale_id: { type: long }
      region: { type: string }
      sold_at: { type: timestamp }
      amount: { type: double }
`;

const csv = (rows: string[]): string => ['sale_id,region,sold_at,amount', ...rows, ''].join('\n');

interface FileInfo {
  path: string;
  specId: number;
  partition: string;
}

const day = (iso: string): number => Date.UTC(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)) - 1, Number(iso.slice(8, 10))) / 86_400_000;
const month = (iso: string): number => (Number(iso.slice(0, 4)) - 1970) * 12 + Number(iso.slice(5, 7)) - 1;

async function files(dir: string): Promise<FileInfo[]> {
  const project = await openProject({ projectDir: dir });
  try {
    const table = await project.catalog.loadTable('silver', 'sales');
    return (await table.planFiles()).files.map((f) => ({ path: f.filePath, specId: f.specId, partition: f.partition.map(String).join('/') })).sort((a, b) => a.path.localeCompare(b.path));
  } finally {
    await project.close();
  }
}

const partitions = (fs: FileInfo[]): string[] => [...new Set(fs.map((f) => f.partition))].sort();

async function scanned(dir: string, sql: string): Promise<{ rows: string; files: number }> {
  const r = await cli(dir, 'query', sql, '--format', 'csv', '--stats');
  assert.equal(r.code, 0, r.stderr);
  const stats = JSON.parse(r.stderr.trim().split('\n').at(-1)!) as { files_scanned: number };
  return { rows: r.stdout.trim(), files: stats.files_scanned };
}

describe('partition_by on silver', () => {
  let root: string;
  let dir: string;
  let first: FileInfo[];

  before(async () => {
    root = await tempDir('partition-by');
    dir = await smallProject(path.join(root, 'p'), yaml('day(sold_at), region'), {
      'sales/a.csv': csv(['1,eu,2026-11-03 10:00:00,10', '2,us,2026-11-03 11:00:00,20', '3,eu,2026-11-04 09:00:00,30']),
    });
  });
  after(async () => removeDir(root));

  test('plan shows the declared partitioning; the files of a run follow it', async () => {
    const plan = await cliOk(dir, 'plan');
    assert.match(plan, /silver\.sales.*partitioned by day\(sold_at\), region/, plan);
    await cliOk(dir, 'apply');
    await cliOk(dir, 'run');
    first = await files(dir);
    assert.deepEqual(partitions(first), [`${day('2026-11-03')}/eu`, `${day('2026-11-03')}/us`, `${day('2026-11-04')}/eu`]);
    assert.ok(first.every((f) => f.path.includes(`/sold_at_day=${f.path.includes('2026-11-04') ? '2026-11-04' : '2026-11-03'}/`)), first.map((f) => f.path).join('\n'));
    assert.ok(first.every((f) => f.specId === 0));
  });

  test('a changed partition_by: plan shows it, apply evolves the spec; old files stay, new ones follow the new spec', async () => {
    await rewritePipelineYaml(dir, yaml('month(sold_at), bucket(4, sale_id)'));
    const plan = await cliOk(dir, 'plan');
    assert.match(plan, /~\s+silver\.sales\s+partitioning day\(sold_at\), region → month\(sold_at\), bucket\(4, sale_id\): new data is written in the new spec/, plan);
    await cliOk(dir, 'apply');
    assert.match(await cliOk(dir, 'plan'), /=\s+silver\.sales/, 'applied: nothing left to change');
    await addLanding(dir, { 'sales/b.csv': csv(['4,us,2026-12-01 08:00:00,40', '5,eu,2026-12-02 08:00:00,50']) });
    await cliOk(dir, 'run');
    const now = await files(dir);
    const old = now.filter((f) => f.specId === 0);
    assert.deepEqual(old, first, 'the files written before the change are untouched');
    const added = now.filter((f) => f.specId !== 0);
    assert.ok(added.length > 0);
    // Iceberg's bucket[4] of sale_id 4 and 5 (PyIceberg's BucketTransform gives 2 and 3 too).
    assert.deepEqual(partitions(added), [`${month('2026-12-01')}/2`, `${month('2026-12-01')}/3`]);
    assert.ok(added.every((f) => /\/sold_at_month=\d+\/sale_id_bucket=[23]\//.test(f.path)), added.map((f) => f.path).join('\n'));
  });

  test('queries prune by the new spec and by the old one', async () => {
    const all = await scanned(dir, 'SELECT count(*) AS n FROM silver.sales');
    assert.equal(all.rows, 'n\n5');
    const dec = await scanned(dir, "SELECT sale_id FROM silver.sales WHERE sold_at >= TIMESTAMP '2026-12-01 00:00:00' ORDER BY 1");
    assert.equal(dec.rows, 'sale_id\n4\n5');
    assert.ok(dec.files < all.files, `${dec.files} of ${all.files} files read`);
    const nov4 = await scanned(dir, "SELECT sale_id FROM silver.sales WHERE sold_at >= TIMESTAMP '2026-11-04 00:00:00' AND sold_at < TIMESTAMP '2026-11-05 00:00:00'");
    assert.equal(nov4.rows, 'sale_id\n3');
    assert.equal(nov4.files, 1);
  });

  test('PyIceberg reads the table with both specs row for row', async () => {
    const py = path.join(dir, 'py.parquet');
    const ours = path.join(dir, 'ours.parquet');
    const info = await pyicebergRead(dir, 'silver.sales', py);
    await cliOk(dir, 'query', 'SELECT * FROM silver.sales', '--format', 'parquet', '--output', ours);
    const d = await diffParquet(py, ours);
    assert.equal(info.rows, 5);
    assert.equal(d.rowsA, d.rowsB);
    assert.equal(d.onlyInA + d.onlyInB, 0, d.sample.join('\n'));
  });

  test('a gold model header partition_by: plan shows a change, apply evolves the spec, the rebuild writes in it', async () => {
    const model = (spec: string) => `-- silt: partition_by = "${spec}"\nSELECT region, sale_id, amount FROM silver.sales\n`;
    const file = path.join(dir, 'models', 'by_region.sql');
    await fs.writeFile(file, model('region'));
    await cliOk(dir, 'apply');
    await cliOk(dir, 'run');
    await fs.writeFile(file, model('bucket(2, sale_id)'));
    const plan = await cliOk(dir, 'plan');
    assert.match(plan, /~\s+gold\.by_region\s+partitioning region → bucket\(2, sale_id\)/, plan);
    await cliOk(dir, 'apply');
    // The table's files stay as they are until the model is rebuilt: new upstream rows rebuild it.
    await addLanding(dir, { 'sales/c.csv': csv(['6,us,2026-12-03 08:00:00,60']) });
    await cliOk(dir, 'run');
    const project = await openProject({ projectDir: dir });
    try {
      const table = await project.catalog.loadTable('gold', 'by_region');
      const specs = (await table.planFiles()).files.map((f) => f.specId);
      assert.ok(specs.length > 0 && specs.every((id) => id === table.metadata['default-spec-id'] && id !== 0), JSON.stringify(specs));
    } finally {
      await project.close();
    }
    assert.match(await cliOk(dir, 'query', 'SELECT count(*) AS n FROM gold.by_region', '--format', 'csv'), /^n\n6$/m);
  });

  test('a partition_by naming a missing column or a transform that does not fit its type stops plan and apply', async () => {
    for (const [spec, why] of [
      ['day(sold_on)', /silt\.yaml silver\.sales\.partition_by: day\(sold_on\): no column sold_on/],
      ['day(region)', /silt\.yaml silver\.sales\.partition_by: day\(region\): day cannot be applied to column region of type string/],
      ['truncate(4, sold_at)', /silver\.sales\.partition_by: truncate\(4, sold_at\): truncate cannot be applied to column sold_at of type timestamp/],
    ] as const) {
      await rewritePipelineYaml(dir, yaml(spec));
      for (const command of ['plan', 'apply']) {
        const r = await cli(dir, command);
        assertNoStack(r, command);
        assert.equal(r.code, 1, `${command} ${spec}: ${r.stdout}${r.stderr}`);
        assert.match(r.stdout, why, r.stdout);
      }
    }
  });
});
