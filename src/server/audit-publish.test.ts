import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { OWNER, SqlSession } from '../engine/index.js';
import { withApi } from '../testing/index.js';
import { startServer } from './serve.js';
import { serveSettings } from './serve-config.js';

test("silt serve publishes the audit log to system.audit on serve.audit_publish's timer", async () => {
  await withApi({ yaml: 'serve:\n  audit_publish: 200ms\n  watch_landing: false\n' }, async (_app, project) => {
    assert.equal(serveSettings(project.config).auditPublishMs, 200);
    const server = await startServer(project, { port: 0 });
    try {
      await project.governance.audit.record({ principal: OWNER, action: 'grant', outcome: 'ok', detail: 'published by the timer' });
      const deadline = Date.now() + 15_000;
      while (Date.now() < deadline && (await project.catalog.governance.unpublished(10)).length > 0) await sleep(100);
      assert.deepEqual(await project.catalog.governance.unpublished(10), [], 'published events are marked so');
      const engine = await project.openEngine();
      let rows: unknown[][];
      try {
        rows = (await new SqlSession(engine, project.catalog).execute("SELECT principal, action, detail FROM system.audit WHERE detail = 'published by the timer'")).rows ?? [];
      } finally {
        engine.close();
      }
      assert.deepEqual(rows, [['user:owner', 'grant', 'published by the timer']]);
    } finally {
      await server.stop();
    }
  });
});

test('serve.audit_publish: off leaves publishing to silt audit publish; the default is every 5 minutes', async () => {
  await withApi({ yaml: 'serve:\n  audit_publish: off\n' }, async (_app, project) => assert.equal(serveSettings(project.config).auditPublishMs, 0));
  await withApi({}, async (_app, project) => assert.equal(serveSettings(project.config).auditPublishMs, 300_000));
});
