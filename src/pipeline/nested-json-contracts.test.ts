/** Nested JSON reaching silver: lists of objects, structs holding lists, a field that is an object or a scalar. */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { withProject } from '../project/index.js';
import { cliOk, query, removeDir, smallProject, tempDir, withSession } from '../testing/pipeline-project.js';

const EVENTS = [
  '{"id":1,"tags":[{"k":"a","v":1}],"meta":{"list":[1,2],"s":"x"},"poly":{"a":1}}',
  '{"id":2,"tags":[],"meta":{"list":[],"s":"y"},"poly":5}',
  '{"id":3,"poly":"str"}',
].join('\n');

const YAML = `
sources:
  events: { path: events/, format: ndjson }
silver:
  flat:
    source: bronze.events
    key: id
    columns:
      id:   { type: long }
      tags: { type: string }
      s:    { type: string, from: meta.s }
      meta: { type: string }
      meta_list: { type: string }
      poly: { type: long }
  whole:
    source: bronze.events
    key: id
    flatten: false
    columns:
      id: { type: long }
      s:  { type: string, from: meta.s }
      ml: { type: 'list<long>', from: meta.list }
      wrong: { type: 'list<long>', from: meta }
`;

describe('nested JSON in silver contracts', () => {
  let root: string;
  let dir: string;
  let runOut: string;

  before(async () => {
    root = await tempDir('nested');
    dir = await smallProject(path.join(root, 'p'), YAML, { 'events/e.ndjson': EVENTS });
    runOut = await cliOk(dir, 'run');
  });
  after(async () => removeDir(root));

  test('a list of objects casts to JSON text; a dotted path reads a struct field; a named struct is kept whole', async () => {
    assert.match(runOut, /silver\.flat\s+succeeded\s+3\s+1\s+2\s+0\s/, runOut);
    await withProject({ projectDir: dir }, (project) =>
      withSession(project, async (sql) => {
        assert.deepEqual(await query(sql, 'SELECT id, tags, s, meta, meta_list, poly FROM silver.flat'), [['2', '[]', 'y', '{"list":[],"s":"y"}', '[]', '5']]);
      }),
    );
  });

  test('an object or a word where a number belongs goes to quarantine, with the column and value', async () => {
    await withProject({ projectDir: dir }, (project) =>
      withSession(project, async (sql) => {
        const held = await query(sql, 'SELECT _source_line, rule, "column", reason FROM silver.flat_quarantine ORDER BY _source_line');
        assert.deepEqual(held.map((r) => r.slice(0, 3)), [['1', 'type', 'poly'], ['3', 'type', 'poly']]);
        assert.match(held[0]![3]!, /^poly: cannot read ".*a.*1.*" as long$/);
      }),
    );
  });

  test('without flatten, a dotted path still reads the field, and a struct that is no list is quarantined', async () => {
    assert.match(runOut, /silver\.whole\s+succeeded\s+3\s+1\s+2\s+0\s/, runOut);
    await withProject({ projectDir: dir }, (project) =>
      withSession(project, async (sql) => {
        assert.deepEqual(await query(sql, 'SELECT id, s, ml FROM silver.whole'), [['3', null, null]]);
        const held = await query(sql, 'SELECT _source_line, "column" FROM silver.whole_quarantine ORDER BY _source_line');
        assert.deepEqual(held, [['1', 'wrong'], ['2', 'wrong']]);
      }),
    );
  });
});
