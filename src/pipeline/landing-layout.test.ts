/**
 * The seeds' layout through `silt run`: hive folder values reach silver as any bronze column, and
 * the project's `landing: archive:` moves ingested files after the ingest commit (a source can
 * keep its own with `archive: false`); `silt landing --all` shows where they went.
 */
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { openProject } from '../project/index.js';
import { cliOk, query, removeDir, smallProject, step, tempDir, withSession } from '../testing/pipeline-project.js';
import { runPipeline } from './run.js';

const YAML = `
landing:
  archive: { prefix: archive/, after: 0 }
sources:
  orders: { path: orders/, format: csv, exclude: ["README*"] }
  events: { path: events/, format: ndjson, archive: false }
silver:
  orders:
    source: bronze.orders
    key: id
    columns:
      id: { type: long }
      amount: { type: double }
      year: { type: int }
      month: { type: int }
`;

let root: string;
before(async () => (root = await tempDir('landing-layout')));
after(async () => removeDir(root));

test('silt run: folder values reach silver, ingested files move to the archive, README stays, archive: false keeps a source\'s files', async () => {
  const dir = await smallProject(path.join(root, 'p'), YAML, {
    'orders/year=2026/month=11/a.csv': 'id,amount\n1,10.5\n2,20\n',
    'orders/year=2026/month=12/b.csv': 'id,amount\n3,30\n',
    'orders/README.txt': 'exports of the shop, one file a day\n',
    'events/e.json': '{"id": 1}\n',
  });
  const project = await openProject({ projectDir: dir });
  let runId: string;
  try {
    const run = await runPipeline(project, {});
    runId = run.runId;
    assert.equal(run.status, 'succeeded', JSON.stringify(run.steps));
    const details = step(run.steps, 'ingest.orders').details as { archived?: { from: string; to: string }[] };
    assert.deepEqual(details.archived?.map((m) => m.to), ['archive/orders/year=2026/month=11/a.csv', 'archive/orders/year=2026/month=12/b.csv']);
    const rows = await withSession(project, (sql) => query(sql, 'SELECT id, amount, year, month FROM silver.orders ORDER BY id'));
    assert.deepEqual(rows, [['1', '10.5', '2026', '11'], ['2', '20', '2026', '11'], ['3', '30', '2026', '12']]);
  } finally {
    await project.close();
  }
  const lake = path.join(dir, 'lake');
  const files = async (sub: string) => (await readdir(path.join(lake, sub), { recursive: true })).filter((n) => /\.(csv|json|txt)$/.test(n)).sort();
  assert.deepEqual(await files('landing'), ['events/e.json', 'orders/README.txt']);
  assert.deepEqual(await files('archive'), ['orders/year=2026/month=11/a.csv', 'orders/year=2026/month=12/b.csv']);

  const shown = await cliOk(dir, 'runs', 'show', runId);
  assert.match(shown, /^  ingest\.orders: 2 landing files archived: archive\/orders\/year=2026\/month=11\/a\.csv, archive\/orders\/year=2026\/month=12\/b\.csv$/m, shown);
  const out = await cliOk(dir, 'landing', '--all');
  assert.match(out, /^landing\/orders\/year=2026\/month=11\/a\.csv: moved to archive\/orders\/year=2026\/month=11\/a\.csv; ingested on .*: 2 rows$/m, out);
  assert.match(out, /^landing\/orders\/README\.txt: matches silt\.yaml sources\.orders\.exclude pattern README\*; remove the pattern to have it ingested$/m, out);
  assert.match(out, /^landing: 0 pending, 1 done, 2 archived, 0 incomplete, 0 unclaimed, 1 skipped$/m, out);
});
