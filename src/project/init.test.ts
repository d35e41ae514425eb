import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { EnvironmentFault, InvalidInput } from '../errors.js';
import { initProject } from './init.js';

const dir = mkdtempSync(join(tmpdir(), 'silt-init-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('a project folder the system cannot make is an error naming it, not an internal error or a hang', async () => {
  const cases: [string, RegExp][] = [
    [join(dir, 'd'.repeat(300)), /^init: cannot make the folder \S+: the name is too long for the file system; pick a shorter one$/],
    // /proc refuses new folders with ENOENT, on which Node's recursive mkdir loops forever.
    ['/proc/silt-init-test/p', /^init: cannot make the folder \/proc\/silt-init-test/],
  ];
  for (const [path, message] of cases) {
    await assert.rejects(initProject(path), (e: unknown) => (e instanceof InvalidInput || e instanceof EnvironmentFault) && message.test((e as Error).message), path);
  }
});

test('nested folders that do not exist yet are made', async () => {
  const made = await initProject(join(dir, 'a', 'b', 'shop'));
  assert.match(made.file, /shop[\\/]silt\.yaml$/);
});
