/** Every data file a pipeline run writes (bronze ingest, silver, gold, quarantine) carries its checksum. */
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { checkTables } from '../lifecycle/index.js';
import { openProject } from '../project/index.js';
import { runPipeline } from './run.js';
import { demoProject, removeDir, tempDir } from '../testing/pipeline-project.js';

test('a pipeline run records a checksum for every data file of every layer', async () => {
  const root = await tempDir('checksums');
  try {
    const { dir } = await demoProject(path.join(root, 'demo'), { rows: 300, seed: 3 });
    const project = await openProject({ projectDir: dir });
    try {
      await runPipeline(project);
      const result = await checkTables(project.catalog, { allSnapshots: true });
      assert.equal(result.damaged, false, result.tables.flatMap((t) => t.messages).join('\n'));
      const layers = new Set<string>();
      for (const t of result.tables) {
        if (t.files > 0) layers.add(t.table.split('.')[0]!);
        assert.equal(t.checksumsUnrecorded, 0, `${t.table}: every file has a checksum`);
        assert.equal(t.checksumsMatched, t.files, t.table);
      }
      assert.deepEqual([...layers].sort(), ['bronze', 'gold', 'silver']);
    } finally {
      await project.close();
    }
  } finally {
    await removeDir(root);
  }
});
