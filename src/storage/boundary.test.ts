import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

/**
 * The storage seam: data (landing files, Parquet, Iceberg metadata) is reached only through the
 * object store, by key. Outside `storage/`, only the modules below touch the file system, each for
 * a reason that is not data; the faces (`cli/`) read and write the files their users name.
 */
const PROJECT_FILES: Record<string, string> = {
  'catalog/db.ts': 'opens the SQLite catalog file',
  'catalog/lost-catalog.ts': 'tells a missing SQLite catalog file from an empty one',
  'config/load.ts': 'reads silt.yaml',
  'project/init.ts': 'writes a new project folder and silt.yaml',
  'project/open.ts': "reads the project's own state files",
  'models/discover.ts': 'reads the SQL model files',
  'models/demo-models.ts': "finds the demo's model files",
  'pipeline/config.ts': 'checks the models folder declared in silt.yaml',
  'pipeline/run.ts': 'checks the models folder declared in silt.yaml',
  'demo/create-project.ts': "writes the demo project's silt.yaml and models",
  'catalog/test-support.ts': 'test support: temporary folders',
  'engine/files/file-test-fixture.ts': 'test support: temporary folders',
};

const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src');
/** Folders outside the data path: the store itself, the faces reading the files users name, and test support. */
const OUTSIDE = ['storage/', 'cli/', 'testing/'];
const FS_IMPORT = /(?:from\s+|import\s*\(\s*|require\s*\(\s*)['"](?:node:)?fs(?:\/promises)?['"]/;
/** A test of whether a location is a URI or a path: only the store may know. */
const URI_CHECK = /\[a-z\]\[a-z0-9\+\.-\]\*:\\\/\\\//;
const URI_CHECK_ALLOWED: Record<string, string> = {
  'config/schema.ts': 'validates the catalog URI written in silt.yaml',
  'config/load.ts': 'resolves the storage location written in silt.yaml',
  'catalog/db.ts': 'parses the catalog URI',
};

function sources(dir: string, rel = ''): string[] {
  return readdirSync(path.join(dir, rel), { withFileTypes: true }).flatMap((e) => {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) return sources(dir, r);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') && !e.name.endsWith('.d.ts') ? [r] : [];
  });
}

/** `file:line: text` of each line matching `pattern` in data-path modules not allowed by `allowed`. */
function offenders(pattern: RegExp, allowed: Record<string, string>): string[] {
  return sources(SRC)
    .filter((f) => !OUTSIDE.some((o) => f.startsWith(o)) && !(f in allowed))
    .flatMap((f) =>
      readFileSync(path.join(SRC, f), 'utf8')
        .split('\n')
        .flatMap((line, i) => (pattern.test(line) ? [`src/${f}:${i + 1}: ${line.trim()}`] : [])),
    );
}

test('outside storage/, only project files and test support import the file system', () => {
  assert.deepEqual(
    offenders(FS_IMPORT, PROJECT_FILES),
    [],
    'data-path code must reach files through the object store (src/storage); a module that reads project files belongs in the allow-list with its reason',
  );
});

test('outside storage/, no code asks whether a location is a URI or a local path', () => {
  assert.deepEqual(offenders(URI_CHECK, URI_CHECK_ALLOWED), [], 'ask the object store (enginePath, engineFiles, engineFolder) instead');
});

test('every module on the allow-lists still exists and still needs its place there', () => {
  const all = new Set(sources(SRC));
  for (const f of Object.keys(PROJECT_FILES)) {
    assert.ok(all.has(f), `${f} is allowed but gone; remove it from the list`);
    assert.ok(FS_IMPORT.test(readFileSync(path.join(SRC, f), 'utf8')), `${f} no longer imports the file system; remove it from the list`);
  }
});
