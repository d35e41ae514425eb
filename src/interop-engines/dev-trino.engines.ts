/**
 * `silt dev up --trino` on a developer's machine: PostgreSQL, SeaweedFS and Trino; the demo on
 * them; `silt dev trino` gives Trino the project's REST catalog; Trino reads the demo's tables from
 * S3 and builds the demo's silver and gold steps there, giving the tables DuckDB gave.
 */
import assert from 'node:assert/strict';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { VOLATILE_COLUMNS } from '../testing/pipeline-project.js';
import { startServeProcess } from '../testing/serve-process.js';
import { siltOk } from '../testing/silt-process.js';
import { TrinoClient } from '../trino/index.js';
import { siltRows } from './test-fixture.js';
import { assertSameRows, type Row } from './test-rows.js';

/** The `export NAME=value` lines `silt dev up` prints, as an environment. */
function exported(stdout: string): Record<string, string> {
  return Object.fromEntries([...stdout.matchAll(/^export (\w+)=(\S+)$/gm)].map((m) => [m[1]!, m[2]!]));
}

async function stableRows(dir: string, table: string): Promise<Row[]> {
  const rows = await siltRows(dir, `SELECT * FROM ${table}`);
  return rows.map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => !VOLATILE_COLUMNS.includes(k))));
}

test('silt dev up --trino: Trino reads the demo on S3 + PostgreSQL through the REST catalog silt dev trino gives it, and builds its silver and gold as DuckDB did', { timeout: 1_500_000 }, async () => {
  const home = await mkdtemp(path.join(os.tmpdir(), 'silt-dev-trino-'));
  // Run as root, the PostgreSQL cluster runs as the `postgres` user, who must reach the folder.
  await chmod(home, 0o755);
  const saved = { ...process.env };
  let serve: Awaited<ReturnType<typeof startServeProcess>> | undefined;
  try {
    const started = Date.now();
    const env = exported(await siltOk(home, 'dev', 'up', '--trino'));
    process.stdout.write(`dev trino: stack up in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    assert.match(env['SILT_DEV_TRINO'] ?? '', /^http:\/\/127\.0\.0\.1:\d+$/);
    Object.assign(process.env, env); // the silt processes below reach the stack as a user's shell would, after eval
    assert.match(await siltOk(home, 'dev', 'status'), /^trino http:\/\/127\.0\.0\.1:\d+ up$/m);

    await siltOk(home, 'demo', '--dir', 'on-stack', '--rows', '300', '--storage', env['SILT_DEV_STORAGE']!, '--catalog', env['SILT_DEV_CATALOG']!);
    const dir = path.join(home, 'on-stack');
    serve = await startServeProcess(dir);
    const given = await siltOk(dir, 'dev', 'trino');
    const line = /^trino: \{ url: "(http:\/\/127\.0\.0\.1:\d+)", catalog: silt \}$/m.exec(given);
    assert.ok(line, `dev trino prints the silt.yaml line: ${given}`);

    const trino = new TrinoClient({ url: line[1]!, catalog: 'silt', user: 'silt' });
    const [[trinoCount, trinoRevenue]] = (await trino.run('SELECT count(*), CAST(sum(revenue) AS varchar) FROM silt.gold.daily_sales', 'test')).rows as [[number, string]];
    const [ours] = await siltRows(dir, 'SELECT count(*) AS n, CAST(sum(revenue) AS VARCHAR) AS r FROM gold.daily_sales');
    assert.ok(Number(ours!['n']) > 0);
    assert.deepEqual([Number(trinoCount), trinoRevenue], [Number(ours!['n']), ours!['r']], 'Trino reads the gold table Silt wrote on S3');

    const built = ['silver.orders', 'gold.daily_sales'];
    const want = new Map<string, Row[]>();
    for (const t of built) want.set(t, await stableRows(dir, t));
    for (const t of built) assert.ok(want.get(t)!.length > 0, `${t} has rows to compare`);
    const yaml = path.join(dir, 'silt.yaml');
    const text = await readFile(yaml, 'utf8');
    assert.match(text, /^engine:\n/m);
    await writeFile(yaml, `${text.replace(/^engine:\n/m, 'engine:\n  steps: trino\n')}\n${line[0]}\n`);
    await siltOk(dir, 'run', '--local', '--full-refresh', ...built);
    for (const t of built) assertSameRows(await stableRows(dir, t), want.get(t)!, `${t} rebuilt on Trino over S3`);
  } finally {
    serve?.child.kill('SIGTERM');
    await serve?.exited;
    process.env = saved;
    await siltOk(home, 'dev', 'down').catch((e) => process.stderr.write(`dev down: ${e}\n`));
    await rm(home, { recursive: true, force: true });
  }
});
