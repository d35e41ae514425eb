import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { EnvironmentFault } from '../errors.js';
import { LocalStore } from '../storage/index.js';
import { damagedFile, ROLL_BACK } from './table-io.js';

const dir = mkdtempSync(join(tmpdir(), 'silt-table-io-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('a table file outside the project (the project was moved) says so, not that the file is damaged', () => {
  const store = new LocalStore(join(dir, 'moved', 'lake'));
  const uri = `file://${join(dir, 'original', 'lake', 'warehouse', 'raw', 't', 'metadata', '00001.metadata.json')}`;
  let thrown: unknown;
  try {
    store.keyOf(uri);
  } catch (e) {
    thrown = e;
  }
  const fault = damagedFile('raw.t', 'current metadata file', uri, thrown, ROLL_BACK);
  assert.ok(fault instanceof EnvironmentFault);
  assert.match(fault.message, /^table raw\.t: its current metadata file \S+ is outside this project's storage \(\S+moved\/lake\/\); a project moved or copied to another folder cannot read its tables, which record their files' full paths: move the project back$/);
  assert.doesNotMatch(fault.message, /damaged|restore/);
});
