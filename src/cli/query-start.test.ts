import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

/**
 * The packages and Silt folders a module loads before it runs: its static imports, followed
 * through the compiled files beside this one (dynamic `import()`s are not followed: they load
 * only when reached).
 */
function staticClosure(entry: string): { packages: Set<string>; files: Set<string> } {
  const packages = new Set<string>();
  const files = new Set<string>();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (files.has(file)) continue;
    files.add(file);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/^(?:import|export)\s(?:[^;'"]*?\sfrom\s)?['"]([^'"]+)['"]/gm)) {
      const spec = m[1]!;
      if (spec.startsWith('.')) queue.push(path.resolve(path.dirname(file), spec));
      else if (!spec.startsWith('node:')) packages.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
    }
  }
  return { packages, files };
}

const here = path.dirname(fileURLToPath(import.meta.url));

test('silt query loads neither the PostgreSQL client nor the server and its logging, metrics and mail before it runs', () => {
  const { packages, files } = staticClosure(path.join(here, 'commands', 'query.js'));
  assert.ok(packages.has('@duckdb/node-api') && packages.has('better-sqlite3'), 'the walk follows the imports');
  for (const heavy of ['pg', 'hono', '@hono/node-server', 'pino', 'prom-client', 'nodemailer']) {
    assert.ok(!packages.has(heavy), `silt query imports ${heavy} at start-up`);
  }
  const server = [...files].filter((f) => f.startsWith(path.join(here, '..', 'server') + path.sep));
  assert.deepEqual(server, [], 'silt query imports the server folder at start-up');
});
