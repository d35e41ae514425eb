/** Runs, tables, landing files and quarantines as csv and json for scripts; a shared bronze table's rejects listed once. */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { InvalidInput } from '../errors.js';
import { landingStatus } from '../ingest/index.js';
import { pipelineConfig, runPipeline } from '../pipeline/index.js';
import { withProject } from '../project/index.js';
import { cliOk, count, removeDir, smallProject, tempDir, withSession } from '../testing/pipeline-project.js';
import { landingListing, listFormat, quarantineListing, renderListing, runsListing, runStepsListing, tableListing } from './listings.js';

const YAML = `
sources:
  east: { path: east/, format: csv, table: bronze.events }
  west: { path: west/, format: csv, table: bronze.events }
silver:
  events:
    source: bronze.events
    key: id
    columns:
      id: { type: long }
      amount: { type: int }
`;

const LANDING = {
  'east/a.csv': 'id,amount\n1,10\n2,x\n3,4,extra\n',
  'west/b.csv': 'id,amount\n4,7\n5,8,extra\n',
};

const jsonLines = (text: string): Record<string, unknown>[] => text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);

describe('listings for scripts', () => {
  let root: string;
  let dir: string;
  let runId: string;

  before(async () => {
    root = await tempDir('listings');
    dir = await smallProject(path.join(root, 'p'), YAML, LANDING);
    runId = await withProject({ projectDir: dir }, async (p) => (await runPipeline(p)).runId);
  });
  after(async () => removeDir(root));

  test('quarantine list: the bronze table two sources share is listed once with both rejects, next to the silver rule', async () => {
    const listing = await withProject({ projectDir: dir }, quarantineListing);
    const rows = jsonLines(renderListing(listing, 'json'));
    assert.deepEqual(rows.map((r) => [r['table'], r['rule'], r['rows']]), [['silver.events', 'type(amount)', 1], ['bronze.events', 'rejected', 2]]);
    assert.match(String(rows[0]!['last_quarantined_at']), /^\d{4}-\d\d-\d\d/);
    const csv = renderListing(listing, 'csv').split('\n');
    assert.equal(csv[0], 'table,rule,rows,last_quarantined_at');
    assert.equal(csv.filter((l) => l.startsWith('bronze.events,')).length, 1);
  });

  test('runs and runs show: a run and its steps with counts as numbers and details as JSON', async () => {
    await withProject({ projectDir: dir }, async (p) => {
      const [run] = jsonLines(renderListing(runsListing(await p.catalog.runLog.runs(5)), 'json'));
      assert.equal(run!['run_id'], runId);
      assert.equal(run!['status'], 'succeeded');
      assert.equal(typeof run!['seconds'], 'number');
      const found = (await p.catalog.runLog.run(runId))!;
      const steps = jsonLines(renderListing(runStepsListing(found.run, found.steps), 'json'));
      const silver = steps.find((s) => s['step'] === 'silver.events')!;
      assert.deepEqual([silver['rows_in'], silver['written'], silver['quarantined'], silver['deduplicated']], [3, 2, 1, 0]);
      assert.equal(typeof silver['details'], 'object');
      assert.ok(Array.isArray((silver['details'] as { expectations?: unknown[] }).expectations));
      const csv = renderListing(runStepsListing(found.run, found.steps), 'csv').split('\n');
      assert.match(csv[0]!, /^run_id,step,kind,status,rows_in,written,quarantined,deduplicated,bytes_written,/);
      assert.equal(csv.length, 1 + found.steps.length);
    });
  });

  test('table list: rows, data files and bytes of each table as its current snapshot holds them', async () => {
    await withProject({ projectDir: dir }, async (p) => {
      const rows = jsonLines(renderListing(await tableListing(p), 'json'));
      const silver = rows.find((r) => r['table'] === 'silver.events')!;
      const table = await p.catalog.loadTable('silver', 'events');
      const files = (await table.planFiles()).files;
      assert.deepEqual(
        [silver['kind'], silver['rows'], silver['files'], silver['bytes']],
        ['table', await withSession(p, (sql) => count(sql, 'silver.events')), files.length, files.reduce((n, f) => n + f.fileSizeInBytes, 0)],
      );
      assert.deepEqual(rows.map((r) => r['table']), [...rows.map((r) => String(r['table']))].sort());
    });
  });

  test('landing: each file with its source, size, status and what became of it', async () => {
    await withProject({ projectDir: dir }, async (p) => {
      const entries = await landingStatus(p.catalog, pipelineConfig(p.config).sources);
      const rows = jsonLines(renderListing(landingListing(entries), 'json'));
      assert.deepEqual(rows.map((r) => [r['source'], r['file'], r['size'], r['status']]).sort(), [
        ['east', 'landing/east/a.csv', LANDING['east/a.csv'].length, 'done'],
        ['west', 'landing/west/b.csv', LANDING['west/b.csv'].length, 'done'],
      ]);
      assert.match(String(rows[0]!['detail']), /row/);
    });
  });

  test('an unknown --format is refused, naming the command', () => {
    assert.throws(() => listFormat('runs', 'yaml'), (e: Error) => e instanceof InvalidInput && /^runs: unknown --format "yaml"; expected one of table, csv, json$/.test(e.message));
  });

  test('the commands take --format (one CLI call each for runs and table list)', async () => {
    const runs = jsonLines(await cliOk(dir, 'runs', '--format', 'json'));
    assert.equal(runs[0]!['run_id'], runId);
    const tables = (await cliOk(dir, 'table', 'list', 'silver', '--format', 'csv')).trim().split('\n');
    assert.equal(tables[0], 'table,kind,rows,files,bytes');
    assert.match(tables.find((l) => l.startsWith('silver.events,'))!, /^silver\.events,table,2,\d+,\d+$/);
    assert.equal((await cliOk(dir, 'table', 'list', 'silver')).trim(), 'silver.events\nsilver.events_quarantine', 'without --format: names, as before');
  });
});
