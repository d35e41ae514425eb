import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openStore } from '../storage/index.js';
import { after, test } from 'node:test';
import { findProjectDir, loadProject } from './load.js';
import { projectTemplate } from './template.js';

/** Folders these tests made, removed when the file's tests are done. */
const made: string[] = [];
after(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

function project(yaml: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'silt-config-'));
  made.push(dir);
  writeFileSync(path.join(dir, 'silt.yaml'), yaml);
  return dir;
}

test('the init template parses, with locations resolved against the project folder', () => {
  const dir = project(projectTemplate('shop'));
  const c = loadProject(dir);
  assert.equal(c.name, 'shop');
  assert.equal(c.storageLocation, path.join(dir, 'lake'));
  assert.equal(c.catalogUri, path.join(dir, '.silt', 'catalog.db'));
  assert.ok(Object.isFrozen(c));
});

test('storage: s3://bucket/prefix is the location, and storage.s3 says how to reach it; a bad endpoint names its key', () => {
  const short = loadProject(project('name: shop\nstorage: s3://lake-bucket/prod\n'));
  assert.equal(short.storageLocation, 's3://lake-bucket/prod');
  assert.deepEqual({ ...short.storageS3 }, { endpoint: undefined, region: undefined, pathStyle: undefined, ifMatch: undefined, serverSideEncryption: undefined });
  const full = loadProject(project('name: shop\nstorage:\n  location: s3://lake-bucket/prod\n  s3:\n    endpoint: http://127.0.0.1:8333\n    region: eu-west-1\n    path_style: true\n'));
  assert.deepEqual({ ...full.storageS3 }, { endpoint: 'http://127.0.0.1:8333', region: 'eu-west-1', pathStyle: true, ifMatch: undefined, serverSideEncryption: undefined });
  const noIfMatch = loadProject(project('name: shop\nstorage:\n  location: s3://lake-bucket/prod\n  s3: { if_match: false }\n'));
  assert.equal(noIfMatch.storageS3.ifMatch, false);
  assert.equal(openStore(noIfMatch.storageLocation, noIfMatch.storageS3).swaps, false, 'a server that ignores If-Match: the store cannot swap');
  assert.equal(openStore(full.storageLocation, full.storageS3).swaps, true);
  assert.throws(
    () => loadProject(project('name: shop\nstorage:\n  location: s3://lake-bucket/prod\n  s3:\n    endpoint: 127.0.0.1:8333\n')),
    /silt\.yaml line 5.*storage\.s3\.endpoint.*http:\/\/ or https:\/\//,
  );
  assert.throws(() => loadProject(project('name: shop\nstorage:\n  location: s3://b/p\n  s3:\n    secret_access_key: x\n')), /secret_access_key/);
});

test('the project is found from a subfolder, or named with --project', () => {
  const dir = project('name: shop\n');
  const sub = path.join(dir, 'a', 'b');
  mkdirSync(sub, { recursive: true });
  assert.equal(findProjectDir(sub), dir);
  assert.equal(findProjectDir('/', dir), dir);
  assert.throws(() => findProjectDir(os.tmpdir(), path.join(dir, 'a')), /no silt\.yaml in .*run `silt init/);
});

test('an unknown key names the file, line and key, with a suggestion', () => {
  const dir = project('name: shop\nstorage:\n  locaton: ./lake\n');
  assert.throws(() => loadProject(dir), /^InvalidInput: config: silt\.yaml line 3: storage\.locaton: unknown key \(did you mean `location`\?\)/);
});

test('a wrong type names the key, what was found and what is expected', () => {
  const dir = project('name: shop\nengine:\n  threads: many\n');
  assert.throws(() => loadProject(dir), /silt\.yaml line 3: engine\.threads: expected a number, found "many"/);
});

test('a missing required key and broken YAML are reported with lines', () => {
  assert.throws(() => loadProject(project('storage:\n  location: ./x\n')), /silt\.yaml.*: name: missing; expected a string/);
  assert.throws(() => loadProject(project('name: [shop\n')), /silt\.yaml line \d+:/);
});

test('a number out of bounds or not whole says so in words', () => {
  const cases: [string, string][] = [
    ['0', 'engine.threads: expected a number above 0, found 0'],
    ['-3', 'engine.threads: expected a number above 0, found -3'],
    ['1.5', 'engine.threads: expected a whole number, found 1.5'],
  ];
  for (const [value, text] of cases) {
    assert.throws(() => loadProject(project(`name: shop\nengine:\n  threads: ${value}\n`)), (e: unknown) => (e as Error).message.endsWith(`silt.yaml line 3: ${text}`), value);
  }
});

test('catalog: a postgres:// URI, as the section or as its uri; an unsupported scheme is refused naming the line', () => {
  assert.equal(loadProject(project('name: shop\ncatalog: postgres://silt@db.internal:5432/lake\n')).catalogUri, 'postgres://silt@db.internal:5432/lake');
  assert.equal(loadProject(project('name: shop\ncatalog:\n  uri: postgresql://silt@db:5433/lake\n')).catalogUri, 'postgresql://silt@db:5433/lake');
  assert.equal(loadProject(project('name: shop\ncatalog: meta/catalog.db\n')).catalogUri.endsWith(path.join('meta', 'catalog.db')), true);
  assert.throws(() => loadProject(project('name: shop\ncatalog:\n  uri: mysql://h/db\n')), /silt\.yaml line 3: catalog\.uri: .*postgres:\/\/user@host:port\/database/);
  assert.throws(() => loadProject(project('name: shop\ncatalog: mysql://h/db\n')), /silt\.yaml line 2: catalog: .*postgres:\/\/user@host:port\/database/);
});
