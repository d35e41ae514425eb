/** `archive:` on a source: ingested landing files move to the archive prefix, never before their commit, idempotently. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withLake, type Lake } from '../testing/lake.js';
import { count, land } from '../testing/bronze.js';
import { ingestSource } from './bronze-ingest.js';
import { archiveLanding } from './landing-archive.js';
import { landingStatus } from './landing-status.js';
import { sourcesSchema, type SourceConfig } from './source-config.js';

const DAY = 86_400_000;

async function keys(lake: Lake, prefix: string): Promise<string[]> {
  return (await lake.store.list(prefix)).map((o) => o.key);
}

test('after: 0 moves ingested files (rows and rejected whole) to the archive keeping their path; pending and skipped files stay', async () => {
  await withLake(async (lake) => {
    const source: SourceConfig = { exclude: ['README*'], archive: { prefix: 'archive/' } };
    await land(lake.store, 'landing/orders/2026/a.csv', 'id,v\n1,a\n2,b\n');
    await land(lake.store, 'landing/orders/empty.csv', '');
    await land(lake.store, 'landing/orders/README.txt', 'not data\n');
    const r = await ingestSource(lake.catalog, lake.engine, 'orders', source, { runId: 'r1' });
    assert.deepEqual([r.rowsWritten, r.rowsRejected], [2, 1]);
    await land(lake.store, 'landing/orders/late.csv', 'id,v\n3,c\n');

    const moved = await archiveLanding(lake.catalog, 'orders', source);
    assert.deepEqual(moved.moved, [
      { from: 'landing/orders/2026/a.csv', to: 'archive/orders/2026/a.csv' },
      { from: 'landing/orders/empty.csv', to: 'archive/orders/empty.csv' },
    ]);
    assert.deepEqual(moved.warnings, []);
    assert.deepEqual(await keys(lake, 'landing/'), ['landing/orders/README.txt', 'landing/orders/late.csv']);
    assert.equal((await lake.store.get('archive/orders/2026/a.csv')).toString(), 'id,v\n1,a\n2,b\n');
    assert.equal(await count(lake, 'bronze.orders'), 2);

    const status = new Map((await landingStatus(lake.catalog, { orders: source })).map((e) => [e.path, `${e.status}: ${e.detail}`]));
    assert.match(status.get('landing/orders/2026/a.csv') ?? '', /^archived: moved to archive\/orders\/2026\/a\.csv; ingested on .*: 2 rows$/);
    assert.match(status.get('landing/orders/empty.csv') ?? '', /^archived: moved to archive\/orders\/empty\.csv; rejected whole on /);
    assert.equal(status.get('landing/orders/late.csv'), 'pending: new: the next ingest takes it');

    // The ledger still knows an archived file: a copy put back in landing is a duplicate, then archived again.
    await land(lake.store, 'landing/orders/2026/a.csv', 'id,v\n1,a\n2,b\n');
    const again = await ingestSource(lake.catalog, lake.engine, 'orders', source, { runId: 'r2' });
    assert.deepEqual(again.files.map((f) => [f.path, f.status, f.rows]), [
      ['landing/orders/2026/a.csv', 'already-ingested', 0],
      ['landing/orders/late.csv', 'ingested', 1],
    ]);
    assert.equal(await count(lake, 'bronze.orders'), 3);
    await archiveLanding(lake.catalog, 'orders', source);
    assert.deepEqual(await keys(lake, 'landing/'), ['landing/orders/README.txt']);
    assert.deepEqual(await keys(lake, 'archive/'), ['archive/orders/2026/a.csv', 'archive/orders/empty.csv', 'archive/orders/late.csv']);
  });
});

test('nothing moves before its commit nor before `after` has passed', async () => {
  await withLake(async (lake) => {
    const source: SourceConfig = { archive: { prefix: 'archive', after: '7d' } };
    await land(lake.store, 'landing/orders/a.csv', 'id\n1\n');
    assert.deepEqual((await archiveLanding(lake.catalog, 'orders', source)).moved, [], 'not ingested yet');
    await ingestSource(lake.catalog, lake.engine, 'orders', source, { runId: 'r1' });
    assert.deepEqual((await archiveLanding(lake.catalog, 'orders', source, { nowMs: Date.now() + 6 * DAY })).moved, []);
    assert.deepEqual((await archiveLanding(lake.catalog, 'orders', source, { nowMs: Date.now() + 8 * DAY })).moved, [{ from: 'landing/orders/a.csv', to: 'archive/orders/a.csv' }]);
  });
});

test('a move stopped between copy and delete is finished by the next run, the file neither lost nor ingested twice', async () => {
  await withLake(async (lake) => {
    const source: SourceConfig = { archive: { after: 0 } };
    await land(lake.store, 'landing/orders/a.csv', 'id\n1\n');
    await land(lake.store, 'landing/orders/b.csv', 'id\n2\n');
    await ingestSource(lake.catalog, lake.engine, 'orders', source, { runId: 'r1' });
    const crashed = await archiveLanding(lake.catalog, 'orders', source, {
      afterCopy: (key) => {
        if (key.endsWith('a.csv')) throw new Error('killed after the copy');
      },
    });
    assert.deepEqual(crashed.moved.map((m) => m.from), ['landing/orders/b.csv']);
    assert.match(crashed.warnings[0] ?? '', /^landing\/orders\/a\.csv: not archived \(killed after the copy\); the next run tries again$/);
    assert.deepEqual(await keys(lake, 'landing/'), ['landing/orders/a.csv']);
    assert.deepEqual(await keys(lake, 'archive/'), ['archive/orders/a.csv', 'archive/orders/b.csv']);

    const rerun = await ingestSource(lake.catalog, lake.engine, 'orders', source, { runId: 'r2' });
    assert.equal(rerun.rowsIn, 0);
    const finished = await archiveLanding(lake.catalog, 'orders', source);
    assert.deepEqual(finished.moved.map((m) => m.from), ['landing/orders/a.csv']);
    assert.deepEqual(await keys(lake, 'landing/'), []);
    assert.equal((await lake.store.get('archive/orders/a.csv')).toString(), 'id\n1\n');
    assert.equal(await count(lake, 'bronze.orders'), 2);
  });
});

test('a file changed in landing after its ingest is not archived (its new content is not in bronze)', async () => {
  await withLake(async (lake) => {
    const source: SourceConfig = { archive: {} };
    await land(lake.store, 'landing/orders/a.csv', 'id\n1\n');
    await ingestSource(lake.catalog, lake.engine, 'orders', source, { runId: 'r1' });
    await land(lake.store, 'landing/orders/a.csv', 'id\n1\n2\n', 0);
    const r = await archiveLanding(lake.catalog, 'orders', source, { nowMs: Date.now() + 10_000 });
    assert.deepEqual(r.moved, []);
    assert.equal((await lake.store.get('landing/orders/a.csv')).toString(), 'id\n1\n2\n');
  });
});

test('a bad archive setting is refused at config load, naming the key', () => {
  const problems = (archive: unknown) => sourcesSchema.safeParse({ orders: { archive } }).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];
  assert.deepEqual(problems({ prefix: 'archive/', after: '7d' }), []);
  assert.deepEqual(problems(false), []);
  assert.match(problems({ prefix: 'landing/old/' }).join('; '), /orders\.archive\.prefix: a folder outside landing\//);
  assert.match(problems({ prefix: '../x' }).join('; '), /orders\.archive\.prefix: a folder of the lake/);
  assert.match(problems({ after: 'soon' }).join('; '), /orders\.archive\.after: a duration such as 0, 12h or 7d/);
  assert.match(problems({ prefx: 'a/' }).join('; '), /prefx/);
});
