/** What a reader changed in a file (a renamed header) reaches the user: printed by ingest and run, kept by the run log. */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { addLanding, cliOk, removeDir, smallProject, tempDir } from '../testing/pipeline-project.js';

const YAML = `
sources:
  orders: { path: orders/, format: csv }
`;

const WARNINGS = [
  /^ingest\.orders: warning: landing\/orders\/(a|b)\.csv: column 3 repeats the name "amount"; named it amount_2$/m,
  /^ingest\.orders: warning: landing\/orders\/(a|b)\.csv: column 4 has no name; named it column_4$/m,
];

describe('reader warnings', () => {
  let root: string;
  let dir: string;

  before(async () => {
    root = await tempDir('warnings');
    dir = await smallProject(path.join(root, 'p'), YAML, { 'orders/a.csv': 'id,amount,amount,\n1,2,3,4\n' });
  });
  after(async () => removeDir(root));

  const runIdOf = (out: string) => /^run (\S+) succeeded/m.exec(out)?.[1];

  for (const [command, file] of [['ingest', 'a.csv'], ['run', 'b.csv']] as const) {
    test(`silt ${command} prints them under the steps, and silt runs show prints them again`, async () => {
      if (file !== 'a.csv') await addLanding(dir, { [`orders/${file}`]: 'id,amount,amount,\n5,6,7,8\n' });
      const out = await cliOk(dir, command);
      for (const w of WARNINGS) assert.match(out, w, out);
      assert.ok(out.includes(`orders/${file}`), out);
      const id = runIdOf(out);
      assert.ok(id, out);
      const shown = await cliOk(dir, 'runs', 'show', id);
      for (const w of WARNINGS) assert.match(shown, w, shown);
    });
  }

  test('a run with many warnings shows the first ten per step and says where the rest are', async () => {
    const files = Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`orders/many_${i}.csv`, `id,amount,amount,\n${10 + i},1,2,3\n`]));
    await addLanding(dir, files);
    const out = await cliOk(dir, 'ingest');
    const id = runIdOf(out)!;
    assert.equal((out.match(/^ingest\.orders: warning: /gm) ?? []).length, 10, out);
    assert.match(out, new RegExp(`^ingest\\.orders: … and 2 more warnings; \`silt runs show ${id}\` lists them all$`, 'm'), out);
    const shown = await cliOk(dir, 'runs', 'show', id);
    assert.equal((shown.match(/^ingest\.orders: warning: /gm) ?? []).length, 12, shown);
  });
});
