/** A project with nothing declared yet: ingest and run say so and how to start, and ingest builds no models. */
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { cli, cliOk, removeDir, smallProject, tempDir } from '../testing/pipeline-project.js';

describe('a project with nothing declared', () => {
  let root: string;
  let dir: string;

  before(async () => {
    root = await tempDir('empty-project');
    dir = await smallProject(path.join(root, 'p'), '', {}, { 'm.sql': 'SELECT 1 AS x' });
  });
  after(async () => removeDir(root));

  test('silt ingest without sources says so and builds no gold model', async () => {
    const out = await cliOk(dir, 'ingest');
    assert.equal(out, 'ingest: nothing to do: silt.yaml declares no sources (declare one under `sources:`; `silt demo` makes a full example)\n');
    const r = await cli(dir, 'query', 'SELECT * FROM gold.m');
    assert.match(r.stderr, /no table gold\.m/);
  });

  test('silt run with nothing declared says so', async () => {
    await fs.rm(path.join(dir, 'models', 'm.sql'));
    const out = await cliOk(dir, 'run');
    assert.match(out, /^run \S+: nothing to do: silt\.yaml declares no sources, silver contracts or gold models \(declare one under `sources:`; `silt demo` makes a full example\)\n$/);
  });
});
