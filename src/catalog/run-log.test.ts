import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CommitConflict } from '../errors.js';
import { catalogFixture } from './test-support.js';

// In one process SQLite's connections wait for its write lock blocking the event loop, so only
// PostgreSQL's case runs here; a run held while another starts is SQLite's case (pipeline/run-exclusive.test.ts).
test('PostgreSQL: runs started at once on several connections: one starts, the others are refused naming it', async () => {
  const f = await catalogFixture('silt-runlog-', 'PostgreSQL');
  const catalogs = await Promise.all(Array.from({ length: 4 }, () => f.open()));
  try {
    const started = await Promise.allSettled(catalogs.map((c, i) => c.runLog.start({ runId: `run-${i}`, trigger: 'manual', selector: null })));
    const won = started.flatMap((s, i) => (s.status === 'fulfilled' ? [`run-${i}`] : []));
    assert.equal(won.length, 1, `exactly one run starts: ${won.join(', ')}`);
    for (const s of started) {
      if (s.status === 'rejected') {
        assert.ok(s.reason instanceof CommitConflict, String(s.reason));
        assert.match(s.reason.message, new RegExp(`another run is in progress \\(run ${won[0]}, pid ${process.pid}`));
      }
    }
    const runs = await catalogs[0]!.runLog.runs();
    assert.deepEqual(runs.map((r) => [r.runId, r.status]), [[won[0], 'running']]);
    await catalogs[1]!.runLog.recordStep({
      runId: won[0]!, step: 'bronze.orders', kind: 'ingest', status: 'succeeded', startedMs: 1, finishedMs: 2, rowsIn: 3,
      rowsWritten: 3, rowsQuarantined: 0, rowsDeduplicated: 0, bytesWritten: 2 ** 40, snapshotId: '1', details: '{}', error: null,
    });
    await catalogs[2]!.runLog.appendLog(won[0]!, 'bronze.orders', [{ atMs: 5, level: 'info', message: 'read 3 rows' }]);
    await catalogs[0]!.runLog.finish(won[0]!, 'succeeded');
    const run = await catalogs[3]!.runLog.run(won[0]!);
    assert.equal(run?.run.status, 'succeeded');
    assert.deepEqual(run?.steps.map((s) => [s.step, s.rowsWritten, s.bytesWritten]), [['bronze.orders', 3, 2 ** 40]], 'bigints come back as numbers');
    assert.deepEqual(await catalogs[3]!.runLog.log(won[0]!, 'bronze.orders'), [{ atMs: 5, level: 'info', message: 'read 3 rows' }]);
  } finally {
    await Promise.all(catalogs.map((c) => c.close()));
  }
});
