/** A query's output file holds every row; the screen says how many rows it left out. */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { siltOk } from '../../testing/silt-process.js';
import { makeProject, removeProject } from '../../testing/temp-project.js';

let dir: string;
before(async () => {
  dir = await makeProject();
});
after(async () => removeProject(dir));

const SQL = 'SELECT range AS n FROM range(2500)';

test('--output FILE in the default table format writes every row, past the screen limit', async () => {
  await siltOk(dir, 'query', SQL, '--output', 'all.txt');
  const lines = (await readFile(path.join(dir, 'all.txt'), 'utf8')).trimEnd().split('\n');
  assert.equal(lines.length, 2 + 2500, 'header, rule and 2,500 rows');
  assert.equal(lines.at(-1)!.trim(), '2499');
});

test('on screen, the table says how many rows it did not show and how to get them', async () => {
  const out = await siltOk(dir, 'query', SQL, '--max-rows', '1000');
  assert.equal(out.trimEnd().split('\n').length, 2 + 1000 + 1);
  assert.match(out, /\n\(first 1,000 of 2,500 rows; 1,500 not shown: --max-rows 2500 shows them, --output FILE writes them all\)\n$/);
  assert.match(await siltOk(dir, 'query', SQL, '--max-rows', '2500'), /\n\(2,500 rows\)\n$/);
});
