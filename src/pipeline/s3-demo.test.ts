/** The demo pipeline on an S3 bucket (SeaweedFS) makes the same tables as on a local folder, and PyIceberg reads them from S3. */
import assert from 'node:assert/strict';
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openProject, type Project } from '../project/index.js';
import { runPipeline } from './run.js';
import { s3TestStore, TEST_CREDENTIALS } from '../storage/s3-test-support.js';
import type { S3Store } from '../storage/index.js';
import { assertReconciled, contentDigests, count, demoProject, removeDir, tempDir, VOLATILE_COLUMNS, withSession } from '../testing/pipeline-project.js';
import { pyicebergRead } from '../testing/pyiceberg.js';

const LAYERS = ['bronze', 'silver', 'gold'];
/** Differ between any two runs: run ids and times (a rejects table's too). */
const DIFFERING = [...VOLATILE_COLUMNS, 'batch_id', 'rejected_at'];
const DEMO = { rows: 600, seed: 17 };

describe('the demo pipeline on S3', () => {
  let root: string;
  let dir: string;
  let store: S3Store;
  let project: Project;
  let local: Record<string, string>;

  before(async () => {
    root = await tempDir('s3-demo');
    const { dir: localDir } = await demoProject(path.join(root, 'local'), DEMO);
    const onDisk = await openProject({ projectDir: localDir });
    try {
      assertReconciled((await runPipeline(onDisk)).steps);
      local = await contentDigests(onDisk, LAYERS, DIFFERING);
    } finally {
      await onDisk.close();
    }

    ({ dir } = await demoProject(path.join(root, 's3'), DEMO));
    const made = await s3TestStore('seaweedfs');
    store = made.store;
    // The landing files go to the bucket, and the local lake goes away: nothing may be read from it.
    const landing = path.join(dir, 'lake', 'landing');
    for (const rel of await filesUnder(landing)) await store.put(`landing/${rel}`, new Uint8Array(await fs.readFile(path.join(landing, ...rel.split('/')))));
    await fs.rm(path.join(dir, 'lake'), { recursive: true });
    const yaml = await fs.readFile(path.join(dir, 'silt.yaml'), 'utf8');
    assert.match(yaml, /\n {2}location: \.\/lake\n/);
    await fs.writeFile(path.join(dir, 'silt.yaml'), yaml.replace(/\n {2}location: \.\/lake\n/, `\n  location: ${store.rootUri}\n  s3:\n    endpoint: ${made.endpoint}\n`));
    // Credentials come from the environment, as for any AWS client (and PyIceberg's, below).
    process.env['AWS_ACCESS_KEY_ID'] = TEST_CREDENTIALS.accessKeyId;
    process.env['AWS_SECRET_ACCESS_KEY'] = TEST_CREDENTIALS.secretAccessKey;
    project = await openProject({ projectDir: dir });
    assertReconciled((await runPipeline(project)).steps);
  });
  after(async () => {
    await project?.close();
    await store?.dispose();
    await removeDir(root);
  });

  test('every bronze, silver and gold table holds the same rows as the run on a local folder', async () => {
    assert.ok(Object.keys(local).length >= 8, `the demo makes its tables (${Object.keys(local)})`);
    assert.deepEqual(await contentDigests(project, LAYERS, DIFFERING), local);
    assert.ok(project.store.rootUri.startsWith('s3://'));
    assert.equal(existsSync(path.join(dir, 'lake')), false, 'nothing was written to a local lake');
    const data = (await store.list('warehouse/')).filter((o) => o.key.endsWith('.parquet'));
    assert.ok(data.length > 0, 'the data files are objects in the bucket');
  });

  test('PyIceberg reads the tables from S3 with the properties `silt connect pyiceberg` prints', async () => {
    const props = project.catalog.pyicebergProperties();
    assert.ok(props['warehouse']!.startsWith('s3://') && props['s3.endpoint'], `S3 properties: ${JSON.stringify(props)}`);
    for (const table of ['silver.orders', 'gold.daily_sales']) {
      const read = await pyicebergRead(dir, table, path.join(root, `${table}.parquet`));
      const rows = await withSession(project, (sql) => count(sql, table));
      assert.ok(rows > 0, `${table} has rows`);
      assert.equal(read.rows, rows, `${table}: PyIceberg read ${read.rows} rows from S3, silt ${rows}`);
    }
  });
});

async function filesUnder(dir: string, rel = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await fs.readdir(path.join(dir, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await filesUnder(dir, r)));
    else out.push(r);
  }
  return out;
}
