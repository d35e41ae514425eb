import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { demoProject, removeDir, tempDir } from '../testing/pipeline-project.js';
import { httpJson, startServeProcess, type ServeProcess } from '../testing/serve-process.js';
import { siltOk } from '../testing/silt-process.js';
import { connectSettings, enginesCredential, requireEngines, Trino } from './test-engines.js';
import { assertSameRows, canonical, type Row } from './test-rows.js';
import { ATHENA_QUERIES, EVENTS_SQL, type AthenaQuery } from './athena-queries.js';

// Athena's (Trino's) forms in Silt's SQL give the rows Trino gives on the same Iceberg table, read
// by Trino through Silt's REST catalog. Only Trino and `silt serve` are started (no Spark): the
// stage's added time stays short.

let dir = '';
let root = '';
let server: ServeProcess | undefined;
let trino: Trino | undefined;

before(async () => {
  requireEngines();
  const started = Date.now();
  root = await tempDir('engines-athena');
  ({ dir } = await demoProject(path.join(root, 'demo'), { rows: 20, seed: 5 }));
  await siltOk(dir, 'query', EVENTS_SQL);
  const credential = await enginesCredential(dir);
  server = await startServeProcess(dir);
  trino = await Trino.start(await connectSettings(dir, 'trino', credential), path.join(root, 'trino'));
  process.stdout.write(`athena forms: table, silt serve and Trino ready in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
});

after(async () => {
  await trino?.stop();
  if (server) {
    server.child.kill('SIGTERM');
    await server.exited;
  }
  if (root && !process.env['SILT_E2E_KEEP']) await removeDir(root);
});

/** Rows of `sql` through Silt's query API (as `silt query`, with Trino's forms), as objects by column name. */
async function siltApiRows(sql: string): Promise<Row[]> {
  const submitted = await httpJson(dir, `${server!.url}/v1/queries`, 'POST', { sql, wait_ms: 60_000 });
  if (submitted.body.status !== 'succeeded') throw new Error(`silt: ${sql}\n${JSON.stringify(submitted.body.error ?? submitted.body)}`);
  const { body } = await httpJson(dir, `${server!.url}/v1/queries/${submitted.body.id}/results?limit=10000`, 'GET');
  const names = (body.columns as { name: string }[]).map((c) => c.name);
  return (body.rows as unknown[][]).map((r) => Object.fromEntries(names.map((n, i) => [n, r[i]])));
}

/** Numbers within `tolerance` of each other count as equal (Trino's approx_* are estimates). */
function assertClose(got: Row[], want: Row[], tolerance: number, what: string): void {
  const text = (rows: Row[]) => rows.map((r) => canonical(r) as Record<string, unknown>).sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
  const [a, b] = [text(got), text(want)];
  assert.equal(a.length, b.length, `${what}: ${a.length} rows, expected ${b.length}`);
  a.forEach((row, i) => {
    for (const [k, v] of Object.entries(b[i]!)) {
      const [x, y] = [Number(row[k]), Number(v)];
      if (typeof v === 'string' && Number.isFinite(y)) assert.ok(Math.abs(x - y) <= tolerance * Math.max(1, Math.abs(y)), `${what}: ${k} is ${row[k]}, Trino's ${v} (tolerance ${tolerance})`);
      else assert.deepEqual(row[k], v, `${what}: ${k}`);
    }
  });
}

test(`${ATHENA_QUERIES.length} Athena-form queries give in Silt the rows Trino gives on the same table`, async () => {
  const started = Date.now();
  const differ: string[] = [];
  const known: string[] = [];
  for (const q of ATHENA_QUERIES as readonly AthenaQuery[]) {
    let message = '';
    try {
      const want = (await trino!.sql(q.sql.replaceAll('$T', 'silt.athena.events'))).rows;
      const got = await siltApiRows(q.sql.replaceAll('$T', 'athena.events'));
      if (q.tolerance === undefined) assertSameRows(got, want, q.name);
      else assertClose(got, want, q.tolerance, q.name);
    } catch (e) {
      message = (e as Error).message;
    }
    if (q.differs === undefined && message) differ.push(`${q.name}: ${message}`);
    if (q.differs !== undefined && !message) differ.push(`${q.name}: now agrees with Trino; remove its note that it differs (${q.differs})`);
    if (q.differs !== undefined && message) known.push(q.name);
  }
  process.stdout.write(`athena forms: ${ATHENA_QUERIES.length} queries, ${differ.length} differ, ${known.length} known to differ (${known.join('; ')}), in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  assert.deepEqual(differ, []);
});
