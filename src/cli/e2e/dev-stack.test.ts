import assert from 'node:assert/strict';
import { chmod, mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { finished, startSilt, type SiltResult } from '../../testing/index.js';

const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

function run(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<SiltResult> {
  return finished(startSilt(cwd, args, env));
}

/** The `export NAME=value` lines `silt dev up` prints, as an environment. */
function exported(stdout: string): Record<string, string> {
  return Object.fromEntries([...stdout.matchAll(/^export (\w+)=(\S+)$/gm)].map((m) => [m[1]!, m[2]!]));
}

async function csv(cwd: string, sql: string, env: NodeJS.ProcessEnv = {}): Promise<string> {
  const r = await run(cwd, ['query', sql, '--format', 'csv'], env);
  assert.equal(r.code, 0, `silt query ${sql}: ${r.stderr}`);
  return r.stdout;
}

// Each project salts its PII hashes with its own secret unless SILT_PII_SECRET sets one: both runs are given the same.
const SECRET = { SILT_PII_SECRET: 'dev-stack-test-secret' };
const TABLES = ['bronze.orders', 'silver.customers', 'silver.orders', 'silver.payments', 'gold.daily_sales', 'gold.customer_lifetime_value'];

test('silt dev up starts PostgreSQL and SeaweedFS, the demo runs on them and its bronze, silver and gold hold the rows they hold on the embedded defaults, and dev down stops them', { timeout: 600_000 }, async () => {
  const home = await mkdtemp(path.join(os.tmpdir(), 'silt-dev-stack-'));
  dirs.push(home);
  // Run as root, the cluster runs as the `postgres` user, who must reach the folder.
  await chmod(home, 0o755);
  const none = await run(home, ['dev', 'status']);
  assert.equal(none.code, 3, none.stderr);
  assert.match(none.stderr, /no stack is up in .*\.silt\/dev; `silt dev up` starts one/);

  const up = await run(home, ['dev', 'up']);
  assert.equal(up.code, 0, up.stderr);
  const env = exported(up.stdout);
  try {
    assert.match(env['SILT_DEV_CATALOG'] ?? '', /^postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres$/);
    assert.match(env['AWS_ENDPOINT_URL_S3'] ?? '', /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.match(up.stdout, /^#\s+storage: \{ location: "s3:\/\/silt-dev\/lake"/m);
    const again = await run(home, ['dev', 'up']);
    assert.equal(again.code, 1, 'a second up refuses: one stack per folder');
    assert.match(again.stderr, /a stack is up in .* already; `silt dev status` shows it, `silt dev down` stops it/);
    const status = await run(home, ['dev', 'status']);
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /^postgres .* up$/m);
    assert.match(status.stdout, /^s3 .* up$/m);

    const demo = await run(home, ['demo', '--dir', 'on-stack', '--rows', '300', '--storage', env['SILT_DEV_STORAGE']!, '--catalog', env['SILT_DEV_CATALOG']!], { ...env, ...SECRET });
    assert.equal(demo.code, 0, demo.stderr);
    const embedded = await run(home, ['demo', '--dir', 'embedded', '--rows', '300'], SECRET);
    assert.equal(embedded.code, 0, embedded.stderr);
    const onStack = path.join(home, 'on-stack');
    assert.deepEqual(await readdir(path.join(onStack, 'lake'), { recursive: true }).then((fs) => fs.filter((f) => f.includes('.'))), [], 'no data file stays on local disk');
    for (const t of TABLES) {
      const sql = `SELECT * EXCLUDE (${t.startsWith('gold') ? 'x' : '_ingested_at, _batch_id'}) FROM ${t} ORDER BY ALL`.replace(' EXCLUDE (x)', '');
      const a = await csv(onStack, sql, env);
      const b = await csv(path.join(home, 'embedded'), sql);
      assert.ok(a.split('\n').length > 2, `${t} has rows`);
      assert.equal(a, b, `${t}: the same rows on S3 + PostgreSQL as on the embedded defaults`);
    }
  } finally {
    const down = await run(home, ['dev', 'down']);
    assert.equal(down.code, 0, down.stderr);
  }
  const after = await run(home, ['dev', 'status']);
  assert.equal(after.code, 3, 'down removed the stack');
  const catalogGone = await fetch(env['AWS_ENDPOINT_URL_S3']!).then(() => false, () => true);
  assert.ok(catalogGone, 'the S3 server is stopped');
});

test('silt --project DIR dev status looks for the stack in DIR even when DIR is no project yet, not in the current folder', async () => {
  const elsewhere = await mkdtemp(path.join(os.tmpdir(), 'silt-dev-cwd-'));
  const folder = await mkdtemp(path.join(os.tmpdir(), 'silt-dev-folder-'));
  dirs.push(elsewhere, folder);
  const r = await run(elsewhere, ['--project', folder, 'dev', 'status']);
  assert.equal(r.code, 3, r.stderr);
  assert.ok(r.stderr.includes(`no stack is up in ${path.join(folder, '.silt', 'dev')};`), r.stderr);
});
