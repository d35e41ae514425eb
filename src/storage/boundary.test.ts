import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

/**
 * The storage seam: data (landing files, Parquet, Iceberg metadata) is reached only through the
 * object store, by key. Outside `storage/`, only the modules below touch the file system, each for
 * a reason that is not data.
 */
const PROJECT_FILES: Record<string, string> = {
  'catalog/db.ts': 'opens the SQLite catalog file',
  'catalog/lost-catalog.ts': 'tells a missing SQLite catalog file from an empty one',
  'config/load.ts': 'reads silt.yaml',
  'project/init.ts': 'writes a new project folder and silt.yaml',
  'project/open.ts': "reads the project's own state files (.silt/secret) and makes DuckDB's spill folder",
  'models/discover.ts': 'reads the SQL model files',
  'models/demo-models.ts': "finds the demo's model files",
  'pipeline/config.ts': 'checks the models folder declared in silt.yaml',
  'demo/create-project.ts': "writes the demo project's silt.yaml, models and .silt/demo-truth.json",
  'lineage/openlineage-emit.ts': 'appends OpenLineage events to the file silt.yaml names for them (an output the user asks for, like --output)',
  'server/query-results.ts': "spills a finished query's rows to the server's own scratch folder (.silt/results), not to the lake",
  'server/query-download.ts': 'writes a download file into that scratch folder for the client to fetch',
  'server/routes/queries.ts': 'streams that download file to the client, then removes it',
  'server/query-service.ts': 'clears that scratch folder when the server starts and stops',
  'project/server-file.ts': "writes the running server's address to .silt/server.json, where the CLI finds it",
  'catalog/test-support.ts': 'test support: temporary folders',
  'catalog/postgres-test-support.ts': 'test support: a throwaway PostgreSQL cluster in a temporary folder',
  'governance/governance-test-fixture.ts': 'test support: temporary projects',
  'config/edit.ts': 'rewrites a key of silt.yaml in place (silt migrate names the new catalog there)',
  'server/console-assets.ts': "reads the console's built files from the package, to serve them",
  'export/stage-rows.ts': "stages an export's rows as CSV in the project's spill folder (.silt/tmp), to stream them to the warehouse",
  'export/warehouse.ts': 'streams those staged CSV files to the warehouse with the COPY protocol',
  'keys/key-provider.ts': "reads the master key file silt.yaml's encryption.master_key_file names (a project file, never data)",
  'devstack/stack.ts': "finds the service scripts shipped with Silt and keeps the developer stack's state (ports, folders, logs) under the project's .silt/dev, never data",
  'ingest/load-columns.ts': "reads the schema file silt load's --schema names (a CLI file argument: column types, formats, null tokens)",
  'engine/files/file-test-fixture.ts': 'test support: temporary folders',
};

/** Whole folders outside the data path, and why. */
const OUTSIDE: Record<string, string> = {
  'storage/': 'the object store itself: the one place that opens data files',
  'cli/': 'the face that reads and writes the files its users name (silt load FILE, --output FILE)',
  'testing/': 'test support: temporary projects and fixture files',
  'interop-engines/': 'tests against Spark, Trino and DuckDB, run by interop/engines.sh: their configuration files',
  'web/': 'the console (a browser bundle) and its browser tests: screenshots and the browser to drive',
};

/**
 * `enginePath` names where DuckDB sees a key, whether or not anything is there: DuckDB is handed
 * data only through `engineFiles` (ready to read) and `engineFolder` (ready to write), so a store
 * DuckDB cannot read in place is handled by the store. These only name locations.
 */
const ENGINE_PATH_NAMING: Record<string, string> = {
  'engine/sql/query-binder.ts': "finds the table whose folder DuckDB's error message names",
  'crawler/discover.ts': "records the crawled folder's location, where engineFiles puts its files",
  'crawler/crawl.ts': 'names the crawled folder in the report and its messages',
  'project/open.ts': 'the folder a user SQL engine is locked to',
};

const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src');
const FS_IMPORT = /(?:from\s+|import\s*\(\s*|require\s*\(\s*)['"](?:node:)?fs(?:\/promises)?['"]/;
/** A test of whether a location is a URI or a path: only the store may know. */
const URI_CHECK = /\[a-z\]\[a-z0-9\+\.-\]\*:\\\/\\\//;
/** A location DuckDB is given for a key without the store making it ready. */
const ENGINE_PATH = /\.enginePath\(/;
const URI_CHECK_ALLOWED: Record<string, string> = {
  'config/schema.ts': 'validates the catalog URI written in silt.yaml',
  'config/load.ts': 'resolves the storage location written in silt.yaml',
  'catalog/db.ts': 'parses the catalog URI',
  'lifecycle/retention-plan.ts': 'tells an archive prefix from an archive URI written in silt.yaml (the store then maps the URI to a key)',
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
    .filter((f) => !Object.keys(OUTSIDE).some((o) => f.startsWith(o)) && !(f in allowed))
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
  assert.deepEqual(offenders(URI_CHECK, URI_CHECK_ALLOWED), [], 'ask the object store (engineFiles, engineFolder, uri, keyOf) instead');
});

test('outside storage/, DuckDB is handed data only through engineFiles and engineFolder', () => {
  assert.deepEqual(offenders(ENGINE_PATH, ENGINE_PATH_NAMING), [], 'give DuckDB `await store.engineFiles(keys)` to read, `await store.engineFolder(prefix)` to write');
});

test('every module on the allow-lists still exists and still needs its place there', () => {
  const all = new Set(sources(SRC));
  for (const [list, pattern] of [[PROJECT_FILES, FS_IMPORT], [URI_CHECK_ALLOWED, URI_CHECK], [ENGINE_PATH_NAMING, ENGINE_PATH]] as const) {
    for (const f of Object.keys(list)) {
      assert.ok(all.has(f), `${f} is allowed but gone; remove it from the list`);
      assert.ok(pattern.test(readFileSync(path.join(SRC, f), 'utf8')), `${f} no longer needs its place on the list (${String(pattern)}); remove it`);
    }
  }
});

test('the checks catch what they are for', () => {
  const caught = (pattern: RegExp, line: string): boolean => pattern.test(line);
  for (const line of [`import { existsSync } from 'node:fs';`, `import fs from "fs/promises";`, `const fs = await import('node:fs');`, `const { readFileSync } = require('fs');`]) {
    assert.ok(caught(FS_IMPORT, line), line);
  }
  assert.ok(!caught(FS_IMPORT, `import { readFile } from './fs-helpers.js';`));
  assert.ok(caught(ENGINE_PATH, 'const at = store.enginePath(key);'));
  assert.ok(!caught(ENGINE_PATH, 'const [at] = await store.engineFiles([key]);'));
});
