import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { createPrincipal, planPolicies, projectGrants, runAccessStatement } from '../governance/index.js';
import { OWNER, type Principal, SqlSession } from '../engine/index.js';
import { openProject } from '../project/index.js';
import { call, ownerApp } from '../testing/index.js';
import { removeDir, smallProject, tempDir } from '../testing/pipeline-project.js';

const ALICE: Principal = { name: 'alice', kind: 'user', groups: ['analysts'], attributes: { region: 'eu' } };
const YAML = `policies:
  row_filters:
    - { table: shop.people, filter: "region = current_principal_attribute('region')", to: ['group:analysts'] }
  masks:
    - { table: shop.people, column: ssn, mask: redact, to: ['group:analysts'] }
  workgroups:
    - { name: analysts, members: ['group:analysts'], result_rows: 100 }
`;

test('over the API a filtered, masked reader gets governed queries, samples and usage, and no counts, partitions or metadata that would tell more', async () => {
  const root = await tempDir('governed-api');
  const dir = await smallProject(path.join(root, 'p'), YAML, {});
  const project = await openProject({ projectDir: dir });
  try {
    await project.catalog.createNamespace('shop');
    const engine = await project.openEngine();
    try {
      await new SqlSession(engine, project.catalog).execute(
        "CREATE TABLE shop.people PARTITIONED BY (ssn) AS SELECT * FROM (VALUES (1, 'eu', '111-22-3333'), (2, 'us', '999-88-7777')) t(id, region, ssn)",
      );
    } finally {
      engine.close();
    }
    await planPolicies(project, { apply: true });
    // Grants let analysts read the table; the policies then narrow what they see of it.
    await createPrincipal(project.catalog, 'analysts', 'group');
    await runAccessStatement(projectGrants(project.catalog, project.config), OWNER, 'GRANT SELECT ON TABLE shop.people TO GROUP analysts');
    // Authenticated as the owner; the test's principalOf then acts as alice when asked to.
    const app = ownerApp({ project, principalOf: (c) => (c.req.header('x-as') === 'alice' ? ALICE : OWNER) });
    const as = async (method: string, url: string, body?: unknown): Promise<{ status: number; body: any }> => {
      const r = await app.request(url, { method, headers: { 'x-as': 'alice', 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
      return { status: r.status, body: await r.json() };
    };

    const q = await as('POST', '/v1/queries', { sql: 'SELECT id, ssn FROM shop.people', wait_ms: 30_000 });
    assert.equal(q.body.status, 'succeeded', JSON.stringify(q.body));
    const rows = await as('GET', `/v1/queries/${q.body.id}/results`);
    assert.deepEqual(rows.body.rows, [[1, '***']]);
    const sample = await as('GET', '/v1/tables/shop/people/sample');
    assert.deepEqual(sample.body.rows, [[1, 'eu', '***']]);
    for (const url of ['/v1/tables/shop/people', '/v1/tables/shop/people/snapshots', '/v1/tables/shop/people/partitions', '/iceberg/v1/namespaces/shop/tables/people']) {
      const r = await as('GET', url);
      assert.equal(r.status, 403, `${url}: ${JSON.stringify(r.body)}`);
      assert.ok(!JSON.stringify(r.body).includes('999-88-7777'), url);
      assert.match(JSON.stringify(r.body), /shop\.people (would show what a row filter or column mask|is served only to principals who may read all of it unfiltered and unmasked)/);
    }
    assert.equal((await call(app, 'GET', '/v1/tables/shop/people/partitions')).status, 200, 'the owner still sees partitions');
    const usage = await call(app, 'GET', '/v1/workgroups/usage?workgroup=analysts');
    assert.equal(usage.body.usage[0].queries, 2);
  } finally {
    await project.close();
    await removeDir(root);
  }
});
