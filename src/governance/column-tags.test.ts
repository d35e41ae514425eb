import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { loadProject } from '../config/index.js';
import { columnTags, PII_TAG } from './column-tags.js';

test('a pii contract column is tagged in the silver layer as silt.yaml names it', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'silt-tags-'));
  try {
    const contract = 'silver:\n  customers:\n    source: raw.customers\n    columns:\n      email: { type: string, pii: email }\n';
    writeFileSync(path.join(dir, 'silt.yaml'), `name: shop\nlayers: { bronze: raw, silver: processed }\n${contract}`);
    const tags = columnTags(loadProject(dir));
    assert.deepEqual(tags('processed', 'customers', 'email'), [PII_TAG]);
    assert.deepEqual(tags('silver', 'customers', 'email'), [], 'silver is no layer of this project');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
