/** A query's output file holds every row; the screen says how many rows it left out. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { finished, SILT_MAIN, siltOk } from '../../testing/silt-process.js';
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

test('SQL from a file, from standard input, or starting with a -- comment is SQL, with --param values', async () => {
  await writeFile(path.join(dir, 'q.sql'), '-- ten rows\nSELECT count(*) AS n FROM range(10) -- trailing comment\n');
  assert.equal(await siltOk(dir, 'query', '-f', 'q.sql', '--format', 'csv'), 'n\n10\n');
  const piped = spawn(process.execPath, [SILT_MAIN, 'query', '-', '--format', 'csv'], { cwd: dir, stdio: ['pipe', 'pipe', 'pipe'] });
  piped.stdin!.end('SELECT 41 + 1 AS n');
  const r = await finished(piped);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'n\n42\n');
  const commented = '-- the answer\nSELECT $answer + ? AS n, $who AS who';
  assert.equal(await siltOk(dir, 'query', commented, '--param', 'answer=40', '--param', '1=2', '--param', "who=O'Brien", '--format', 'csv'), "n,who\n42,O'Brien\n");
});
