import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { InvalidInput } from '../errors.js';
import { loadProject } from './load.js';

const made: string[] = [];
after(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

function load(yaml: string) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'silt-layers-'));
  made.push(dir);
  writeFileSync(path.join(dir, 'silt.yaml'), `name: shop\n${yaml}`);
  return loadProject(dir);
}

function refused(yaml: string, message: RegExp): void {
  assert.throws(() => load(yaml), (e) => e instanceof InvalidInput && message.test(e.message), yaml);
}

test('without layers: the namespaces are bronze, silver and gold; each role names its namespace and back', () => {
  const c = load('');
  assert.deepEqual([c.layers.bronze, c.layers.silver, c.layers.gold], ['bronze', 'silver', 'gold']);
  assert.equal(c.layers.roleOf('silver'), 'silver');
  assert.equal(c.layers.roleOf('raw'), undefined);
});

test('layers: renames any of the three; the others keep their default', () => {
  const c = load('layers: { bronze: raw, gold: curated }\n');
  assert.deepEqual([c.layers.bronze, c.layers.silver, c.layers.gold], ['raw', 'silver', 'curated']);
  assert.equal(c.layers.roleOf('curated'), 'gold');
  assert.equal(c.layers.roleOf('gold'), undefined, 'the default name is no layer once renamed');
  assert.equal(c.layers.table('bronze', 'orders'), 'raw.orders');
});

test('a bad layers: is refused naming the key and its line', () => {
  refused('layers:\n  silver: processed\n  gold: system\n', /^config: silt\.yaml line 4: layers\.gold: system is a namespace Silt keeps for itself \(system, silt_staging/);
  refused('layers:\n  bronze: raw\n  silver: raw\n', /^config: silt\.yaml line 4: layers\.silver: raw is already the bronze layer's namespace; each layer needs its own$/);
  refused('layers: { silver: gold }\n', /^config: silt\.yaml line 2: layers\.silver: gold is already the gold layer's namespace \(its default\); each layer needs its own$/);
  refused('layers: { silver: bronze }\n', /^config: silt\.yaml line 2: layers\.silver: bronze is already the bronze layer's namespace \(its default\); each layer needs its own$/);
  refused('layers: { gold: Curated }\n', /layers\.gold: expected a namespace in lower-case letters, digits and _, e\.g\. raw, found "Curated"/);
  refused('layers: { platinum: best }\n', /layers\.platinum: unknown key; expected one of: bronze, silver, gold/);
});
