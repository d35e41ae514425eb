import assert from 'node:assert/strict';
import { test } from 'node:test';
import { onFreshPostgres, runOn } from '../../catalog/postgres-test-support.js';
import { EnvironmentFault, InvalidInput } from '../../errors.js';
import { withLake, type Lake } from '../../testing/lake.js';
import { query } from '../../testing/bronze.js';
import { sourcesSchema, type SourceConfig } from '../source-config.js';
import { ingestPulled, type PullIngestOptions } from './pull-ingest.js';

/** A source `customers` pulling `public.customers` of the database at `url`. */
function customers(url: string, pull: Record<string, unknown> = {}): SourceConfig {
  return sourcesSchema.parse({ customers: { pull: { kind: 'postgres', url, table: 'public.customers', cursor: 'updated_at', key: 'id', ...pull } } }).customers!;
}

let runs = 0;
function run(lake: Lake, source: SourceConfig, opts: Partial<PullIngestOptions> = {}): ReturnType<typeof ingestPulled> {
  return ingestPulled(lake.catalog, lake.engine, 'customers', source, { runId: `r${++runs}`, ...opts });
}

/** Bronze's rows as `id name updated deleted`, in pull order. */
async function bronze(lake: Lake): Promise<string[]> {
  const rows = await query(lake, `SELECT id, name, _deleted, _cursor, _pulled_at FROM bronze.customers ORDER BY _source_file, _source_line`);
  return rows.map((r) => `${r.id} ${r.name}${r._deleted ? ' deleted' : ''}`);
}

const TABLE = `CREATE TABLE customers (id int PRIMARY KEY, name text NOT NULL, updated_at timestamptz NOT NULL)`;

test('inserts, updates and deletes between runs: bronze holds every version once, and a tombstone per deleted key', async () => {
  await onFreshPostgres(async (url) => {
    await withLake(async (lake) => {
      await runOn(url, `${TABLE}; INSERT INTO customers VALUES (1, 'ann', '2026-01-01T00:00:00Z'), (2, 'bob', '2026-01-01T00:00:01Z'), (3, 'cy', '2026-01-01T00:00:02Z')`);
      const source = customers(url, { deletes: 'compare', chunk_rows: 2 });
      const first = await run(lake, source);
      assert.deepEqual([first.pulled.rows, first.pulled.files.length, first.pulled.tombstones], [3, 2, 0]);
      assert.deepEqual([first.rowsIn, first.rowsWritten, first.rowsRejected], [3, 3, 0]);
      assert.deepEqual(await bronze(lake), ['1 ann', '2 bob', '3 cy']);

      const nothing = await run(lake, source);
      assert.deepEqual([nothing.pulled.rows, nothing.pulled.tombstones, nothing.rowsIn], [0, 0, 0], 'a run with no change lands nothing');

      await runOn(url, `UPDATE customers SET name = 'bobby', updated_at = '2026-01-02T00:00:00Z' WHERE id = 2; DELETE FROM customers WHERE id = 1; INSERT INTO customers VALUES (4, 'di', '2026-01-02T00:00:01Z')`);
      const second = await run(lake, source);
      assert.deepEqual([second.pulled.rows, second.pulled.tombstones], [2, 1]);
      assert.deepEqual([second.rowsIn, second.rowsWritten], [3, 3], 'the tombstone is ingested in the same run');
      assert.deepEqual(await bronze(lake), ['1 ann', '2 bob', '3 cy', '2 bobby', '4 di', '1 null deleted']);

      const again = await run(lake, source);
      assert.deepEqual([again.pulled.rows, again.pulled.tombstones], [0, 0], 'a deleted key is a tombstone once');

      await runOn(url, `INSERT INTO customers VALUES (1, 'ann again', '2026-01-03T00:00:00Z')`);
      await run(lake, source);
      assert.deepEqual((await bronze(lake)).slice(6), ['1 ann again'], 'a key back after its delete is a new version');
      const rows = await query(lake, `SELECT _cursor, _pulled_at FROM bronze.customers WHERE id = 4`);
      assert.equal(rows[0]!._cursor, '2026-01-02T00:00:01+00:00', 'the cursor value each row was pulled at');
      assert.ok(rows[0]!._pulled_at, 'when it was pulled');
    });
  });
});

test('rows tied on the cursor across a chunk boundary are each pulled once, and later ties too', async () => {
  await onFreshPostgres(async (url) => {
    await withLake(async (lake) => {
      await runOn(url, `${TABLE}; INSERT INTO customers SELECT i, 'n' || i, '2026-01-01T00:00:00Z' FROM generate_series(1, 7) i`);
      const source = customers(url, { chunk_rows: 3 });
      const first = await run(lake, source);
      assert.equal(first.pulled.files.length, 3);
      assert.deepEqual(await bronze(lake), ['1 n1', '2 n2', '3 n3', '4 n4', '5 n5', '6 n6', '7 n7']);
      // A row committed later with the same cursor value as the last one pulled, and a key after it.
      await runOn(url, `INSERT INTO customers VALUES (8, 'n8', '2026-01-01T00:00:00Z')`);
      await run(lake, source);
      assert.deepEqual((await bronze(lake)).slice(7), ['8 n8']);
      // The saved position is of (updated_at, id): another cursor would resume at a meaningless place.
      await assert.rejects(run(lake, customers(url, { cursor: 'name' })), (e: unknown) => {
        assert.ok(e instanceof InvalidInput);
        assert.equal(e.code, 'pull_state_mismatch');
        assert.match(e.message, /^source customers: the last pull read public\.customers\(updated_at, id\), silt\.yaml now says public\.customers\(name, id\); put the table, cursor and key back/);
        return true;
      });
    });
  });
});

test('a pull stopped after a chunk is recorded, or after its file is put, gives the same bronze when run again', async () => {
  await onFreshPostgres(async (url) => {
    const setup = `${TABLE}; INSERT INTO customers SELECT i, 'n' || i, timestamptz '2026-01-01' + i * interval '1 second' FROM generate_series(1, 10) i`;
    await runOn(url, setup);
    const want = Array.from({ length: 10 }, (_, i) => `${i + 1} n${i + 1}`);
    const source = customers(url, { chunk_rows: 4 });
    for (const point of ['afterPending', 'afterPut'] as const) {
      await withLake(async (lake) => {
        let chunks = 0;
        const crash = (): void => {
          if (++chunks === 2) throw new Error('simulated crash');
        };
        await assert.rejects(run(lake, source, { pullInterrupt: { [point]: crash } }), /simulated crash/);
        const state = await lake.catalog.pullStates.get('customers');
        assert.ok(state.pending, `${point}: the second chunk is left pending`);
        const rerun = await run(lake, source);
        assert.deepEqual(await bronze(lake), want, `${point}: every row once`);
        assert.equal(rerun.rowsIn, 10);
        assert.deepEqual(await lake.catalog.pullStates.get('customers').then((s) => s.pending), undefined);
        assert.equal((await run(lake, source)).pulled.rows, 0);
      });
    }
  });
});

test('PostgreSQL types land as JSON that keeps their values', async () => {
  await onFreshPostgres(async (url) => {
    await withLake(async (lake) => {
      await runOn(
        url,
        `CREATE TABLE kinds (id bigint PRIMARY KEY, big bigint, amount numeric(20,4), ratio double precision, stamp timestamptz, naive timestamp, day date,
           raw bytea, doc jsonb, tags text[], counts int[], flag boolean, uid uuid);
         INSERT INTO kinds VALUES (1, 9007199254740993, 12345678901234.5678, 0.1, '2026-12-08 01:02:03.123456+02', '2026-12-08 01:02:03.5', '2026-12-08',
           '\\x00ff10', '{"a": [1, 2]}', '{a,"b c",NULL}', '{1,2}', true, '6f1c8b0e-2a5b-4c7d-9e1f-0a1b2c3d4e5f')`,
      );
      const kinds = sourcesSchema.parse({ kinds: { pull: { kind: 'postgres', url, table: 'kinds', cursor: 'id', key: 'uid' } } }).kinds!;
      await ingestPulled(lake.catalog, lake.engine, 'kinds', kinds, { runId: 'types' });
      const [row] = await query(
        lake,
        `SELECT CAST(big AS VARCHAR) AS big, amount, ratio, stamp, naive, day, raw, doc, tags, counts, flag, uid FROM bronze.kinds`,
      );
      assert.deepEqual(
        { ...row, tags: [...(row!.tags as unknown[])], counts: [...(row!.counts as unknown[])].map(Number) },
        {
          big: '9007199254740993',
          amount: '12345678901234.5678',
          ratio: 0.1,
          stamp: '2026-12-07T23:02:03.123456+00:00',
          naive: '2026-12-08T01:02:03.5',
          day: '2026-12-08',
          raw: Buffer.from([0x00, 0xff, 0x10]).toString('base64'),
          doc: '{"a": [1, 2]}',
          tags: ['a', 'b c', null],
          counts: [1, 2],
          flag: true,
          uid: '6f1c8b0e-2a5b-4c7d-9e1f-0a1b2c3d4e5f',
        },
      );
    });
  });
});

test('a missing table, cursor or key column, an unset URL variable and a database nobody answers are each one error naming the source and what to fix', async () => {
  await onFreshPostgres(async (url) => {
    await withLake(async (lake) => {
      await runOn(url, TABLE);
      await assert.rejects(run(lake, customers(url, { table: 'public.custommers' })), (e: unknown) => {
        assert.ok(e instanceof InvalidInput);
        assert.match(e.message, /^source customers: no table public\.custommers in PostgreSQL 127\.0\.0\.1:\d+\/\w+ \(did you mean public\.customers\?\); fix sources\.customers\.pull\.table in silt\.yaml/);
        return true;
      });
      await assert.rejects(run(lake, customers(url, { cursor: 'updatedat' })), (e: unknown) => {
        assert.ok(e instanceof InvalidInput);
        assert.match(e.message, /^source customers: table public\.customers has no cursor column updatedat \(did you mean updated_at\?\); its columns: id, name, updated_at; fix sources\.customers\.pull\.cursor/);
        return true;
      });
      await assert.rejects(run(lake, customers(url, { key: ['id', 'nme'] })), /has no key column nme \(did you mean name\?\).*fix sources\.customers\.pull\.key/);
      const unset = sourcesSchema.parse({ customers: { pull: { kind: 'postgres', url_env: 'SILT_TEST_NO_SUCH_URL', table: 'customers', cursor: 'updated_at', key: 'id' } } }).customers!;
      await assert.rejects(run(lake, unset), (e: unknown) => e instanceof EnvironmentFault && /SILT_TEST_NO_SUCH_URL \(sources\.customers\.pull\.url_env in silt\.yaml\) is not set/.test(e.message));
      const port = new URL(url).port;
      const dead = url.replace(`:${port}/`, ':1/');
      await assert.rejects(run(lake, customers(dead)), (e: unknown) => e instanceof EnvironmentFault && /^source customers: PostgreSQL 127\.0\.0\.1:1\/\w+: nothing answers there .*fix sources\.customers\.pull\.url in silt\.yaml/.test(e.message));
      assert.equal(await lake.catalog.tableExists('bronze', 'customers'), false, 'nothing was landed or ingested');
    });
  });
});

test('pull settings that cannot work are refused when silt.yaml is read, naming the key', () => {
  const problems = (pull: Record<string, unknown>, more: Record<string, unknown> = {}): string[] => {
    const r = sourcesSchema.safeParse({ c: { pull: { kind: 'postgres', table: 't', cursor: 'u', key: 'id', ...pull }, ...more } });
    return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };
  assert.deepEqual(problems({ url: 'postgres://h/db' }), []);
  assert.match(problems({})[0] ?? '', /^c\.pull\.url: either url .* or url_env/);
  assert.match(problems({ url: 'mysql://h/db' })[0] ?? '', /^c\.pull\.url: a postgres:\/\//);
  assert.match(problems({ url: 'postgres://h/db', key: 'u' })[0] ?? '', /^c\.pull\.key: the key columns without the cursor column u/);
  assert.match(problems({ url: 'postgres://h/db', key: [] })[0] ?? '', /^c\.pull\.key/);
  assert.match(problems({ url: 'postgres://h/db', chunk_rows: 0 })[0] ?? '', /^c\.pull\.chunk_rows/);
  assert.match(problems({ url: 'postgres://h/db', deletes: 'always' })[0] ?? '', /^c\.pull\.deletes/);
  assert.match(problems({ url: 'postgres://h/db' }, { format: 'csv' })[0] ?? '', /^c\.format: not with pull/);
  assert.match(problems({ url: 'postgres://h/db', kind: 'oracle' })[0] ?? '', /^c\.pull\.kind/);
});
