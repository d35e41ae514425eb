import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { AlreadyExists, InvalidInput } from '../errors.js';
import { DEMO_SOURCES, generateDemoData, type DemoTruth } from './index.js';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'silt-demo-'));
  dirs.push(dir);
  return dir;
}
after(async () => {
  for (const d of dirs) await fs.rm(d, { recursive: true, force: true });
});

/** One hash over every file under landing/, names included. */
async function landingHash(dir: string): Promise<string> {
  const h = createHash('sha256');
  for (const source of DEMO_SOURCES) {
    for (const name of (await fs.readdir(path.join(dir, 'landing', source))).sort()) {
      h.update(`${source}/${name}\n`);
      h.update(new Uint8Array(await fs.readFile(path.join(dir, 'landing', source, name))));
    }
  }
  return h.digest('hex');
}

const SOURCE_KEYS = ['customers', 'orders', 'payments', 'sensors', 'webEvents'] as const;

test('the same seed gives byte-identical files and truth, in worker threads or not; another seed does not', async () => {
  const [a, b, c] = [await tempDir(), await tempDir(), await tempDir()];
  const ra = await generateDemoData(a, { rows: 400, seed: 11, parallel: false });
  const rb = await generateDemoData(b, { rows: 400, seed: 11, parallel: true });
  const rc = await generateDemoData(c, { rows: 400, seed: 12 });
  assert.equal(await landingHash(a), await landingHash(b));
  assert.deepEqual(ra.truth, rb.truth);
  assert.deepEqual(ra.files, rb.files);
  assert.notEqual(await landingHash(a), await landingHash(c));
  for (const source of DEMO_SOURCES) {
    const ext = source === 'sensors' || source === 'web_events' ? 'ndjson' : 'csv';
    const first = `landing/${source}/${source}_0001.${ext}`;
    const x = await fs.readFile(path.join(a, first));
    const y = await fs.readFile(path.join(c, first));
    assert.notDeepEqual(x, y, `${first} should differ between seeds`);
  }
});

test('files, truth and progress agree; truth lives outside the landing zone', async () => {
  const dir = await tempDir();
  const seen = new Map<string, { rows: number; bytes: number }>();
  const { files, truth } = await generateDemoData(dir, {
    rows: 300,
    seed: 5,
    onProgress: (p) => {
      const prev = seen.get(p.source);
      if (prev) assert.ok(p.rows >= prev.rows && p.bytes >= prev.bytes, 'progress only grows');
      seen.set(p.source, { rows: p.rows, bytes: p.bytes });
    },
  });
  const onDisk = JSON.parse(await fs.readFile(path.join(dir, '.silt', 'demo-truth.json'), 'utf8')) as DemoTruth;
  assert.deepEqual(onDisk, truth);
  assert.deepEqual(await fs.readdir(path.join(dir, 'landing')), [...DEMO_SOURCES].sort());

  for (const [i, source] of DEMO_SOURCES.entries()) {
    const t = truth[SOURCE_KEYS[i] as (typeof SOURCE_KEYS)[number]];
    const mine = files.filter((f) => f.source === source);
    assert.ok(mine.length >= 2, `${source}: at least two files for incremental ingest`);
    assert.equal(mine.length, t.files);
    assert.equal(mine.reduce((n, f) => n + f.rows, 0), t.lines, `${source}: file rows sum to truth.lines`);
    assert.equal(mine.reduce((n, f) => n + f.bytes, 0), t.bytes);
    assert.deepEqual(seen.get(source), { rows: t.lines, bytes: t.bytes });
    const names = await fs.readdir(path.join(dir, 'landing', source));
    assert.deepEqual(names.sort(), mine.map((f) => path.posix.basename(f.path)).sort(), 'no .partial left');
    for (const f of mine) assert.equal((await fs.stat(path.join(dir, f.path))).size, f.bytes);
  }
});

test('sizes scale with rows', async () => {
  const small = (await generateDemoData(await tempDir(), { rows: 200, seed: 3 })).truth;
  const large = (await generateDemoData(await tempDir(), { rows: 1600, seed: 3 })).truth;
  assert.equal(small.customers.lines - small.customers.duplicateLines, 50, 'customers: at least 50');
  assert.equal(large.customers.cleanRecords, 160, 'customers: orders / 10');
  assert.equal(large.sensors.lines - large.sensors.duplicateLines, 3200, 'sensors: orders × 2');
  assert.equal(large.webEvents.lines - large.webEvents.duplicateLines, 4800, 'web events: orders × 3');
  const orderLines = large.orders.lines - large.orders.duplicateLines - large.orders.supersededVersions;
  assert.equal(orderLines, 1600, 'orders: one line per order id, plus re-sends');
  const paid = large.payments.lines / large.orders.lines;
  assert.ok(paid > 0.8 && paid < 0.95, `payments ≈ orders × 0.9, got ${paid}`);
  for (const key of SOURCE_KEYS) {
    const ratio = large[key].bytes / small[key].bytes;
    assert.ok(ratio > 2.5, `${key}: 8× the orders should give several times the bytes, got ${ratio}`);
  }
});

test('a single order still gives every source two files and a consistent truth', async () => {
  const { files, truth } = await generateDemoData(await tempDir(), { rows: 1, seed: -3 });
  for (const source of DEMO_SOURCES) assert.equal(files.filter((f) => f.source === source).length, 2, source);
  assert.equal(truth.orders.lines, 1);
  assert.equal(truth.sensors.devices, 2, 'no more devices than readings');
  for (const key of SOURCE_KEYS) {
    const t = truth[key];
    assert.equal(t.lines, t.cleanRecords + t.supersededVersions + t.duplicateLines + t.malformedLines + t.rejectedRows, key);
  }
});

test('bad rows or seed are refused, naming the value', async () => {
  const dir = await tempDir();
  for (const rows of [0, -5, 1.5, Number.NaN]) {
    await assert.rejects(generateDemoData(dir, { rows, seed: 1 }), (e: Error) => {
      assert.ok(e instanceof InvalidInput);
      assert.match(e.message, new RegExp(`^demo: rows must be an integer .* got ${rows}$`));
      return true;
    });
  }
  await assert.rejects(generateDemoData(dir, { rows: 10, seed: 0.5 }), /demo: seed must be an integer, got 0.5/);
  assert.deepEqual(await fs.readdir(dir), [], 'nothing written on bad input');
});

test('a landing zone that already holds files is not overwritten', async () => {
  const dir = await tempDir();
  await generateDemoData(dir, { rows: 50, seed: 1 });
  await assert.rejects(generateDemoData(dir, { rows: 50, seed: 2 }), (e: Error) => {
    assert.ok(e instanceof AlreadyExists);
    assert.match(e.message, /^demo: landing\/customers in .* already holds files/);
    return true;
  });
});
