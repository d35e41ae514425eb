/** A source's include/exclude patterns: files they leave out are neither ingested nor rejects nor unclaimed. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withLake } from '../testing/lake.js';
import { count, land, query } from '../testing/bronze.js';
import { ingestSource } from './bronze-ingest.js';
import { globMatcher } from './landing-patterns.js';
import { landingStatus, unclaimedLanding } from './landing-status.js';
import { sourcesSchema, type SourceConfig } from './source-config.js';

test('globs: * and ? stay in a folder, ** crosses folders, a pattern without / matches the name at any depth', () => {
  const m = (pattern: string, rel: string) => globMatcher(pattern)(rel);
  assert.equal(m('*.json', 'a.json'), true);
  assert.equal(m('*.json', 'year=2026/month=11/a.json'), true);
  assert.equal(m('*.json', 'a.json.gz'), false);
  assert.equal(m('README*', 'docs/README.txt'), true);
  assert.equal(m('draft/*.json', 'draft/a.json'), true);
  assert.equal(m('draft/*.json', 'draft/x/a.json'), false);
  assert.equal(m('draft/**', 'draft/x/a.json'), true);
  assert.equal(m('**/tmp/*', 'a/b/tmp/c.csv'), true);
  assert.equal(m('**/tmp/*', 'tmp/c.csv'), true);
  assert.equal(m('*.{csv,tsv}', 'x.tsv'), true);
  assert.equal(m('*.{csv,tsv}', 'x.json'), false);
  assert.equal(m('part-[0-9]?.csv', 'part-12.csv'), true);
  assert.equal(m('part-[!0-9]*.csv', 'part-1.csv'), false);
  assert.equal(m('a\\*.csv', 'a*.csv'), true);
  assert.equal(m('a\\*.csv', 'ab.csv'), false);
  assert.equal(m('a.csv', 'abcsv'), false);
});

test('a bad pattern is refused at config load, naming the key and the pattern', () => {
  const problems = (source: unknown) => sourcesSchema.safeParse({ events: source }).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];
  assert.deepEqual(problems({ include: ['*.json'], exclude: ['README*', '**/_tmp/**'] }), []);
  assert.match(problems({ include: ['*.[json'] })[0] ?? '', /^events\.include\.0: a glob pattern: "\*\.\[json": \[ at character 3 is never closed by \]/);
  assert.match(problems({ exclude: ['ok*', '{a,b'] })[0] ?? '', /^events\.exclude\.1: a glob pattern: "\{a,b": \{ at character 1 is never closed/);
  assert.match(problems({ exclude: ['../x'] })[0] ?? '', /^events\.exclude\.0: .*without a leading \/ or \.\./);
  assert.match(problems({ exclude: [''] })[0] ?? '', /^events\.exclude\.0: .*empty pattern/);
  assert.match(problems({ include: [] })[0] ?? '', /^events\.include: at least one pattern/);
  assert.match(problems({ include: '*.json' })[0] ?? '', /^events\.include: /);
});

test('a README in a JSON prefix, excluded by pattern, is skipped: not ingested, not a reject, not unclaimed', async () => {
  await withLake(async (lake) => {
    await land(lake.store, 'landing/events/e1.json', '{"id": 1}\n{"id": 2}\n');
    await land(lake.store, 'landing/events/2026/e2.json', '{"id": 3}\n');
    await land(lake.store, 'landing/events/README.txt', 'These are the exports of the shop.\nOne file an hour.\n');
    await land(lake.store, 'landing/events/manifest.csv', 'file,rows\ne1.json,2\n');
    await land(lake.store, 'landing/events/draft/e9.json', '{"id": 9}\n');
    const source: SourceConfig = { format: 'ndjson', include: ['*.json', '*.txt'], exclude: ['README*', 'draft/**'] };

    const r = await ingestSource(lake.catalog, lake.engine, 'events', source, { runId: 'r1' });
    assert.deepEqual([r.rowsWritten, r.rowsRejected], [3, 0]);
    assert.deepEqual(r.files.map((f) => f.path), ['landing/events/2026/e2.json', 'landing/events/e1.json']);
    assert.deepEqual((await query(lake, 'SELECT id FROM bronze.events ORDER BY id')).map((x) => Number(x['id'])), [1, 2, 3]);
    assert.equal(await count(lake, 'bronze.events_rejects'), 0);

    const status = new Map((await landingStatus(lake.catalog, { events: source })).map((e) => [e.path, `${e.status}: ${e.detail}`]));
    assert.equal(status.get('landing/events/README.txt'), 'skipped: matches silt.yaml sources.events.exclude pattern README*; remove the pattern to have it ingested');
    assert.equal(status.get('landing/events/draft/e9.json'), 'skipped: matches silt.yaml sources.events.exclude pattern draft/**; remove the pattern to have it ingested');
    assert.equal(status.get('landing/events/manifest.csv'), 'skipped: matches none of silt.yaml sources.events.include (*.json, *.txt); add a pattern there to have it ingested');
    assert.deepEqual(await unclaimedLanding(lake.store, { events: source }), []);

    // A rerun takes nothing new; the skipped files stay where they are.
    const again = await ingestSource(lake.catalog, lake.engine, 'events', source, { runId: 'r2' });
    assert.deepEqual([again.rowsIn, again.files.filter((f) => f.status === 'ingested').length], [0, 0]);
    assert.equal(await lake.store.exists('landing/events/README.txt'), true);
  });
});

test('without patterns the same README is a whole-file reject (what include/exclude spares the user)', async () => {
  await withLake(async (lake) => {
    await land(lake.store, 'landing/events/e1.json', '{"id": 1}\n');
    await land(lake.store, 'landing/events/README.txt', 'These are the exports of the shop.\n');
    const r = await ingestSource(lake.catalog, lake.engine, 'events', { format: 'ndjson' }, { runId: 'r1' });
    assert.deepEqual([r.rowsWritten, r.rowsRejected], [1, 1]);
  });
});
