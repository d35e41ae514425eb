import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { createPrincipal, projectGrants, publishAudit, runAccessStatement } from '../../governance/index.js';
import { OWNER, type Principal, SqlSession } from '../../engine/index.js';
import { openProject } from '../../project/index.js';
import { ownerApp } from '../../testing/index.js';
import { removeDir, smallProject, tempDir } from '../../testing/pipeline-project.js';

const ENGINES: Principal = { name: 'engines', kind: 'service', groups: [], attributes: {} };

test("the REST catalog lists system.audit only to those it serves it to: a service granted ALL ON CATALOG sees every other table but not the audit's", async () => {
  const root = await tempDir('audit-listing');
  const dir = await smallProject(path.join(root, 'p'), '', {});
  const project = await openProject({ projectDir: dir });
  try {
    await project.catalog.createNamespace('shop');
    const engine = await project.openEngine();
    try {
      await new SqlSession(engine, project.catalog).execute('CREATE TABLE shop.items AS SELECT 1 AS id');
      await project.governance.audit.record({ principal: OWNER, action: 'grant', outcome: 'ok', detail: 'an event to publish' });
      assert.ok((await publishAudit(project.catalog, engine)) > 0, 'system.audit holds events');
    } finally {
      engine.close();
    }
    await createPrincipal(project.catalog, 'engines', 'service');
    await runAccessStatement(projectGrants(project.catalog, project.config), OWNER, 'GRANT ALL PRIVILEGES ON CATALOG TO engines');
    const app = ownerApp({ project, principalOf: (c) => (c.req.header('x-as') === 'engines' ? ENGINES : OWNER) });
    const as = async (who: string, url: string): Promise<{ status: number; body: any }> => {
      const r = await app.request(url, { headers: { 'x-as': who } });
      return { status: r.status, body: await r.json() };
    };
    const names = (body: any) => (body.identifiers as { name: string }[]).map((i) => i.name);

    assert.deepEqual(names((await as('owner', '/iceberg/v1/namespaces/system/tables')).body), ['audit'], 'the owner sees the audit table');
    const listed = await as('engines', '/iceberg/v1/namespaces/system/tables');
    assert.equal(listed.status, 200, JSON.stringify(listed.body));
    assert.deepEqual(names(listed.body), [], 'the service is not shown a table it may not load');
    const load = await as('engines', '/iceberg/v1/namespaces/system/tables/audit');
    assert.equal(load.status, 403, JSON.stringify(load.body));
    assert.deepEqual(names((await as('engines', '/iceberg/v1/namespaces/shop/tables')).body), ['items'], 'other tables still show');
  } finally {
    await project.close();
    await removeDir(root);
  }
});
