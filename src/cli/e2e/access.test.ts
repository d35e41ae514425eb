/** `silt principal|group|token|grants`, GRANT in `silt query`, and silt.yaml's `access:` through `silt plan` and `silt apply`. */
import assert from 'node:assert/strict';
import { appendFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { finished, silt, siltOk, startSilt } from '../../testing/silt-process.js';
import { withProject } from '../../testing/temp-project.js';

test('principals, groups and tokens from the CLI; silt.yaml access is planned, applied and then unchanged; SILT_TOKEN narrows silt query to its principal', async () => {
  await withProject(async (dir) => {
    await siltOk(dir, 'query', 'CREATE TABLE shop.items (id INTEGER, email VARCHAR)');
    await siltOk(dir, 'query', "INSERT INTO shop.items VALUES (1, 'a@x.io')");
    assert.equal(await siltOk(dir, 'principal', 'create', 'bob'), 'created user bob\n');
    const made = await siltOk(dir, 'token', 'create', 'bob', '--expires', '1h', '--note', 'laptop');
    const [token, line] = made.trimEnd().split('\n') as [string, string];
    assert.match(token, /^silt_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    assert.match(line, /^token [0-9a-f]{16} for bob, expires 20\d\d-.*; it is shown only now/);
    assert.ok(!(await siltOk(dir, 'token', 'list')).includes(token.slice(22)), 'token list never shows a secret');
    const dup = await silt(dir, 'principal', 'create', 'bob');
    assert.deepEqual([dup.code, dup.stderr], [1, 'silt: access: user bob already exists\n']);
    const unknown = await silt(dir, 'group', 'add', 'nogroup', 'bob');
    assert.deepEqual([unknown.code, unknown.stderr], [3, 'silt: access: no group nogroup; `silt principal list` shows them\n']);

    await appendFile(
      path.join(dir, 'silt.yaml'),
      'access:\n  users: [ana]\n  groups:\n    readers: [ana, bob]\n  grants:\n    - GRANT SELECT (id) ON TABLE shop.items TO readers\n',
    );
    const plan = await siltOk(dir, 'plan');
    for (const want of [/^\+ access\s+user ana$/m, /^\+ access\s+group readers$/m, /^\+ access\s+bob in group readers$/m, /^\+ access\s+grant SELECT on column shop\.items\.id to readers$/m]) assert.match(plan, want);
    await siltOk(dir, 'apply');
    const implicit = ['SELECT', 'MODIFY', 'CREATE', 'ALTER', 'DROP'].map((p) => `pipeline         ${p.padEnd(7)} catalog  (implicit)\n`).join('');
    assert.equal(await siltOk(dir, 'grants'), `${implicit}readers          SELECT  column shop.items.id  (silt.yaml)\n`);
    assert.doesNotMatch(await siltOk(dir, 'plan'), /^[+!-] access/m);

    const asBob = await finished(startSilt(dir, ['query', 'SELECT * FROM shop.items', '--format', 'csv'], { SILT_TOKEN: token }));
    assert.deepEqual([asBob.code, asBob.stdout], [0, 'id\n1\n']);
    const bobWrites = await finished(startSilt(dir, ['query', 'DELETE FROM shop.items'], { SILT_TOKEN: token }));
    assert.equal(bobWrites.code, 1);
    assert.match(bobWrites.stderr, /^silt: access: user bob may not MODIFY table shop\.items/);
    assert.equal(await siltOk(dir, 'query', 'SELECT * FROM shop.items', '--format', 'csv'), 'id,email\n1,a@x.io\n', 'the local CLI is the owner');
  });
});
