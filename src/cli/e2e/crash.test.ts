import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { writeEventsCsv } from '../../testing/csv-data.js';
import { pyicebergFiles, requirePyIceberg } from '../../testing/pyiceberg.js';
import { finished, queryNumber, siltOk, startSilt } from '../../testing/silt-process.js';
import { filesUnder, snapshots, tableDir, withProject } from '../../testing/temp-project.js';

const BIG_ROWS = 300_000;

/** When to kill: after a delay, or as soon as a new file shows up in the table's data/ or metadata/ folder. */
type KillPoint = { after: number } | { onNewFileIn: 'data' | 'metadata' };

async function waitForNewFile(folder: string, known: Set<string>, stop: Promise<unknown>): Promise<void> {
  let over = false;
  void stop.then(() => (over = true));
  while (!over) {
    if ((await filesUnder(folder)).some((f) => !known.has(f))) return;
    await sleep(5);
  }
}

/** Files under the table folder that the metadata does not reference (as PyIceberg reads it), and the referenced ones missing. */
async function audit(dir: string, table: string, root: string): Promise<{ files: string[]; orphans: string[]; missing: string[] }> {
  const files = await filesUnder(root);
  const refs = await pyicebergFiles(dir, table);
  const referenced = new Set(
    [...refs.metadata, ...refs.manifest_lists, ...refs.manifests, ...refs.data_files].map((u) => path.relative(root, fileURLToPath(u))),
  );
  const present = new Set(files);
  return {
    files,
    orphans: files.filter((f) => !referenced.has(f)),
    missing: [...referenced].filter((f) => !present.has(f)),
  };
}

test('a load killed with SIGKILL at any moment leaves the old or the new snapshot, and vacuum removes what it left', async (tc) => {
  requirePyIceberg();
  await withProject(async (dir) => {
    const t = 'ops.events';
    await writeEventsCsv(path.join(dir, 'small.csv'), 0, 1000);
    await writeEventsCsv(path.join(dir, 'big.csv'), 1_000_000, 1_000_000 + BIG_ROWS);
    await siltOk(dir, 'load', 'small.csv', '--into', t, '--partition-by', 'day(ts)');
    let count = await queryNumber(dir, `SELECT count(*) FROM ${t}`);
    assert.equal(count, 1000);

    // One load to the end, to learn how long a load takes here.
    const started = Date.now();
    await siltOk(dir, 'load', 'big.csv', '--into', t);
    const duration = Date.now() - started;
    count += BIG_ROWS;

    const root = await tableDir(dir, t);
    const points: KillPoint[] = [{ after: 0 }, { after: 40 }, { onNewFileIn: 'data' }, { onNewFileIn: 'metadata' }, { after: Math.round(duration * 0.98) }];
    for (let i = 0; i < 4; i++) points.push({ after: Math.round(Math.random() * duration) });
    let landed = 0;
    let removed = 0;
    let before = (await snapshots(dir, t)).length;
    for (const [k, point] of points.entries()) {
      const folder = 'after' in point ? '' : path.join(root, point.onNewFileIn);
      const known = new Set(folder ? await filesUnder(folder) : []);
      const child = startSilt(dir, ['load', 'big.csv', '--into', t]);
      const done = finished(child);
      if ('after' in point) await sleep(point.after);
      else await waitForNewFile(folder, known, done);
      child.kill('SIGKILL');
      const r = await done;
      const when = 'after' in point ? `after ${point.after} ms of ${duration}` : `when a file appeared in ${point.onNewFileIn}/`;
      const note = `kill ${k} ${when} (exit ${r.code ?? r.signal})`;
      const after = await queryNumber(dir, `SELECT count(*) FROM ${t}`);
      const history = await snapshots(dir, t);
      if (after === count + BIG_ROWS) {
        landed++;
        assert.equal(history.length, before + 1, `${note}: one new snapshot`);
      } else {
        assert.equal(after, count, `${note}: the table holds ${after} rows; expected the old ${count} or the new ${count + BIG_ROWS}`);
        assert.equal(history.length, before, `${note}: no new snapshot`);
      }
      count = after;
      before = history.length;
      // Vacuum after every other kill, so that it also meets the leftovers of two crashes at once.
      if (k % 2 === 1 || k === points.length - 1) {
        const dirty = await audit(dir, t, root);
        assert.deepEqual(dirty.missing, [], `${note}: every referenced file exists`);
        const out = await siltOk(dir, 'vacuum', '--older-than', '0', t);
        const clean = await audit(dir, t, root);
        assert.deepEqual(clean.orphans, [], `${note}: after vacuum every file left is referenced\n${out}`);
        assert.deepEqual(clean.missing, [], `${note}: vacuum removed no referenced file`);
        assert.deepEqual(clean.files, dirty.files.filter((f) => !dirty.orphans.includes(f)), `${note}: vacuum removed exactly the orphans`);
        removed += dirty.orphans.length;
        assert.equal(await queryNumber(dir, `SELECT count(*) FROM ${t}`), count, `${note}: queries still work after vacuum`);
      }
    }
    // The kill on the first data file lands between writing and committing: it leaves files behind.
    assert.ok(landed < points.length, 'some kills landed before the commit');
    assert.ok(removed > 0, 'some kills left files behind for vacuum');
    tc.diagnostic(`load took ${duration} ms; ${landed} of ${points.length} killed loads had committed; vacuum removed ${removed} files`);
    // And the table still takes loads.
    await siltOk(dir, 'load', 'small.csv', '--into', t);
    assert.equal(await queryNumber(dir, `SELECT count(*) FROM ${t}`), count + 1000);
  });
});

/** The project's warehouse folder. */
async function warehouseOf(dir: string): Promise<string> {
  const props = JSON.parse(await siltOk(dir, 'connect', 'pyiceberg', '--catalog', 'sql', '--format', 'json')) as { warehouse: string };
  return fileURLToPath(props.warehouse);
}

/** Starts `silt ARGS` and kills it with SIGKILL once a data file shows up anywhere in the warehouse. */
async function killOnFirstDataFile(dir: string, warehouse: string, args: string[]): Promise<void> {
  const child = startSilt(dir, args);
  const done = finished(child);
  let over = false;
  void done.then(() => (over = true));
  while (!over && !(await filesUnder(warehouse)).some((f) => f.includes(`${path.sep}data${path.sep}`))) await sleep(5);
  child.kill('SIGKILL');
  const r = await done;
  assert.equal(r.signal, 'SIGKILL', `silt ${args[0]} ended before it could be killed: ${r.stderr}`);
}

/** Files of the warehouse outside the table's folder. */
async function filesBeside(dir: string, warehouse: string, table: string): Promise<string[]> {
  const root = await tableDir(dir, table);
  return (await filesUnder(warehouse)).map((f) => path.join(warehouse, f)).filter((f) => !f.startsWith(root + path.sep));
}

test('a load that creates its table, killed while writing: no table, the same command then creates it, and vacuum leaves only its files', async () => {
  await withProject(async (dir) => {
    const t = 'ops.fresh';
    await writeEventsCsv(path.join(dir, 'big.csv'), 0, BIG_ROWS);
    const warehouse = await warehouseOf(dir);
    const args = ['load', 'big.csv', '--into', t, '--partition-by', 'day(ts)'];
    await killOnFirstDataFile(dir, warehouse, args);
    assert.doesNotMatch(await siltOk(dir, 'table', 'list'), /ops\.fresh/, 'a killed load leaves no table, not even an empty one');
    // the user runs the same command again
    assert.match(await siltOk(dir, ...args), /created/);
    assert.equal(await queryNumber(dir, `SELECT count(*) FROM ${t}`), BIG_ROWS);
    await siltOk(dir, 'vacuum', '--older-than', '0');
    const after = await audit(dir, t, await tableDir(dir, t));
    assert.deepEqual(after.orphans, [], 'vacuum removed what the killed load wrote');
    assert.deepEqual(after.missing, []);
    assert.deepEqual(await filesBeside(dir, warehouse, t), [], 'no folder of the killed load is left beside the table');
  });
});

test('CREATE TABLE … AS killed while writing leaves no table, and the same statement then succeeds', async () => {
  await withProject(async (dir) => {
    const warehouse = await warehouseOf(dir);
    const sql = "CREATE TABLE ops.wide AS SELECT range AS n, repeat('x', 64) || range AS pad FROM range(3000000)";
    await killOnFirstDataFile(dir, warehouse, ['query', sql]);
    assert.doesNotMatch(await siltOk(dir, 'table', 'list'), /ops\.wide/, 'a killed CREATE TABLE … AS leaves no table');
    assert.match(await siltOk(dir, 'query', sql), /created table ops\.wide \(3000000 rows\)/);
    await siltOk(dir, 'vacuum', '--older-than', '0');
    assert.deepEqual(await filesBeside(dir, warehouse, 'ops.wide'), [], 'nothing of the killed statement is left');
  });
});
