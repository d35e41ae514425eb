import assert from 'node:assert/strict';
import { appendFile, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { silt, siltOk } from '../../testing/silt-process.js';
import { withProject } from '../../testing/temp-project.js';

test('policies in silt.yaml are shown by plan, stored by apply and obeyed by silt query; a bad one names its table and column', async () => {
  await withProject(async (dir) => {
    await siltOk(dir, 'ns', 'create', 'silver');
    await siltOk(dir, 'query', "CREATE TABLE silver.people AS SELECT * FROM (VALUES (1, '111-22-3333'), (2, '444-55-6666')) t(id, ssn)");
    const yaml = path.join(dir, 'silt.yaml');
    const original = await readFile(yaml, 'utf8');
    await appendFile(yaml, '\npolicies:\n  masks:\n    - { table: silver.people, column: ssn, mask: partial, to: [owner] }\n  workgroups:\n    - { name: admins, members: [owner], result_rows: 5 }\n');
    const plan = await siltOk(dir, 'plan');
    assert.match(plan, /\+ silver\.people\.ssn\s+mask partial to owner/);
    assert.match(plan, /\+ workgroup admins\s+members owner; result_rows 5/);
    assert.deepEqual((await siltOk(dir, 'query', 'SELECT ssn FROM silver.people ORDER BY id')).includes('111-22-3333'), true, 'not applied before silt apply');
    await siltOk(dir, 'apply');
    const after = await siltOk(dir, 'query', '--format', 'csv', 'SELECT ssn FROM silver.people ORDER BY id');
    assert.deepEqual(after.trim().split('\n').slice(1), ['***3333', '***6666']);
    assert.match(await siltOk(dir, 'workgroup', 'usage'), /admins\s+\d{4}-\d\d-\d\d\s+1\s+0\s+\d+/);

    await writeFile(yaml, `${original}\npolicies:\n  masks:\n    - { table: silver.people, column: sssn, mask: redact, to: ['*'] }\n`);
    const bad = await silt(dir, 'plan');
    assert.equal(bad.code, 1);
    assert.match(bad.stdout + bad.stderr, /mask of silver\.people\.sssn.*has no column sssn/);
  });
});
