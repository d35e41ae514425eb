import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { Catalog } from '../catalog/index.js';
import { ManifestCache, type Expr, type ScanPlan } from '../table/index.js';
import { withLake } from '../testing/lake.js';
import { expireSnapshots } from './expire.js';
import { rewriteManifests } from './rewrite-manifests.js';

/**
 * A long-running process keeps decoded manifests across statements (serve, workers). Whatever the
 * table went through — appends, deletes, updates, expired snapshots, rewritten manifests — a
 * planner with the cache gives the files (and their delete files) one without it gives.
 * SILT_TEST_SEED replays a run.
 */

const TABLE = { namespace: 'ops', name: 'ev' };

function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

function planned(plan: ScanPlan): string[] {
  return plan.files
    .map((f) => `${f.filePath} @${f.deletes?.dataSequenceNumber ?? '-'} [${(f.deletes?.files ?? []).map((d) => `${d.file.filePath}@${d.dataSequenceNumber}`).sort().join(' ')}]`)
    .sort();
}

test('a planner with the manifest cache gives the files an uncached one gives, after random commits, deletes and expiries', async () => {
  const seed = Number(process.env['SILT_TEST_SEED'] ?? Date.now() % 100_000);
  const rnd = random(seed);
  const pick = (n: number) => Math.floor(rnd() * n);
  await withLake(async (lake) => {
    // Small enough that entries are evicted on the way, so misses and hits both happen.
    const cache = new ManifestCache(24 << 10);
    lake.catalog.manifestCache = cache;
    const uncached = await Catalog.open(path.join(lake.dir, 'catalog.db'), lake.store);
    try {
      await lake.sql.execute('CREATE TABLE ops.ev PARTITIONED BY (d) AS SELECT range AS id, range % 4 AS d FROM range(40)');
      const done: string[] = [];
      for (let step = 0; step < 14; step++) {
        const d = pick(8);
        const op = pick(6);
        if (op <= 1) await lake.sql.execute(`INSERT INTO ops.ev SELECT range AS id, ${d} + range % 3 AS d FROM range(${1 + pick(30)})`);
        if (op === 2) await lake.sql.execute(`DELETE FROM ops.ev WHERE d = ${d}`);
        if (op === 3) await lake.sql.execute(`UPDATE ops.ev SET id = id + 1000 WHERE d = ${d} AND id % 2 = 0`);
        if (op === 4) await expireSnapshots(lake.catalog, { tables: [TABLE], olderThanMs: 0, retainLast: 1 + pick(3) });
        if (op === 5) await rewriteManifests(lake.catalog, { tables: [TABLE] });
        done.push(['insert', 'insert', 'delete', 'update', 'expire', 'rewrite'][op]!);
        const filters: (Expr | undefined)[] = [
          undefined,
          { op: '=', column: 'd', value: pick(10) },
          { op: 'and', args: [{ op: '>=', column: 'd', value: pick(5) }, { op: '<', column: 'd', value: 3 + pick(7) }] },
          { op: '<', column: 'id', value: pick(50) },
        ];
        for (const filter of filters) {
          const opts = filter ? { filter } : {};
          // Each statement loads its tables afresh, as a server's do: only the shared cache carries over.
          for (let again = 0; again < 2; again++) {
            const withCache = await (await lake.catalog.loadTable('ops', 'ev')).planFiles(opts);
            const without = await (await uncached.loadTable('ops', 'ev')).planFiles(opts);
            assert.deepEqual(planned(withCache), planned(without), `seed ${seed}, after ${done.join(', ')}, filter ${JSON.stringify(filter)}`);
            assert.equal(withCache.filesTotal, without.filesTotal, `seed ${seed}: files in all`);
          }
        }
      }
      assert.ok(cache.hits > 0 && cache.misses > 0, `seed ${seed}: the cache was used (${cache.hits} hits, ${cache.misses} misses)`);
      assert.ok(cache.size.bytes <= cache.maxBytes, `seed ${seed}: the cache keeps within its bound`);
    } finally {
      await uncached.close();
    }
  });
});
