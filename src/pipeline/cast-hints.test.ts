/** A silver cast to a timestamp or number that values fail says why for the batch, as `silt load` says it for a file. */
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { withProject } from '../project/index.js';
import { removeDir, smallProject, step, tempDir } from '../testing/pipeline-project.js';
import { runPipeline } from './run.js';

const YAML = `
sources:
  shipments: { path: shipments/, format: csv }
silver:
  shipments:
    source: bronze.shipments
    key: id
    columns:
      id: { type: long }
      shipped_at: { type: timestamp }
      weight: { type: 'decimal(8,2)' }
      note: { type: string }
`;
// Bronze reads shipped_at and weight as text: TBD and soon are in them.
const CSV = 'id,shipped_at,weight,note\n1,2026-11-01 10:00:00,1.5,a\n2,TBD,2.5,b\n3,2026-11-02 10:00:00,heavy,c\n4,soon,3,d\n5,TBD,4,e\n';

test('values that do not cast to a timestamp or a number are counted, sampled and located in a warning of the step', async () => {
  const root = await tempDir('cast-hints');
  try {
    const dir = await smallProject(path.join(root, 'p'), YAML, { 'shipments/a.csv': CSV });
    const run = await withProject({ projectDir: dir }, (p) => runPipeline(p));
    const s = step(run.steps, 'silver.shipments');
    assert.equal(s.rowsQuarantined, 4);
    const file = /^(\S+a\.csv)/.exec((s.warnings ?? []).join('\n').split('see ')[1] ?? '')?.[1];
    assert.deepEqual(s.warnings, [
      `column shipped_at: 3 values such as \`TBD\`, \`soon\` are not timestamps; see ${file} line 3; add them to null_tokens, or give the column formats`,
      `column weight: 1 value such as \`heavy\` is not a number; see ${file} line 4; add them to null_tokens, or fix the source`,
    ]);
    assert.match(file ?? '', /shipments\/a\.csv$/);
  } finally {
    await removeDir(root);
  }
});
