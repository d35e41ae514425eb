/** Steps that say `engine: trino`, without a Trino to reach: each fails naming what to do, and commits nothing. */
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { assertNoStack, cli, cliOk, removeDir, rewritePipelineYaml, smallProject, tempDir } from '../testing/pipeline-project.js';

const SILVER = `
sources:
  orders: { path: orders/, format: csv }
silver:
  orders:
    source: bronze.orders
    engine: trino
    columns:
      id: { type: long }
`;

/** The tables of a namespace, as \`silt table list\` names them. */
async function listed(dir: string, namespace: string): Promise<string[]> {
  return (await cliOk(dir, 'table', 'list')).split('\n').filter((l) => l.startsWith(`${namespace}.`));
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

describe('steps on Trino', () => {
  let root: string;
  let dir: string;

  before(async () => {
    root = await tempDir('trino-steps');
    dir = await smallProject(path.join(root, 'p'), SILVER, { 'orders/a.csv': 'id\n1\n2\n' }, {
      'order_count.sql': '-- silt: engine = trino\nSELECT count(*) AS n FROM bronze.orders',
    });
  });
  after(async () => removeDir(root));

  test('a silver table or a model with engine trino and no trino section fails its step, saying what to add', async () => {
    const r = await cli(dir, 'run');
    assertNoStack(r, 'run');
    assert.equal(r.code, 1, r.stdout);
    assert.match(r.stdout, /^silver\.orders: failed: silver\.orders: engine trino needs the project's Trino: add `trino: \{ url: http:\/\/HOST:8080, catalog: silt \}` to silt\.yaml/m, r.stdout);
    assert.match(r.stdout, /^gold\.order_count: failed: models\/order_count\.sql: engine trino needs the project's Trino/m, r.stdout);
    assert.deepEqual(await listed(dir, 'silver'), [], 'no silver table was committed');
  });

  test('a Trino that cannot be reached is an environment fault naming its URL; nothing is committed and no staging table is left', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    await rewritePipelineYaml(dir, `${SILVER}\ntrino: { url: "${url}" }\n`);
    const r = await cli(dir, 'run');
    assertNoStack(r, 'run');
    assert.equal(r.code, 6, r.stdout);
    assert.match(r.stdout, new RegExp(`^silver\\.orders: failed: trino: cannot reach the coordinator at ${url.replace(/\./g, '\\.')} .*check trino\\.url in silt\\.yaml`, 'm'), r.stdout);
    assert.match(r.stdout, /^gold\.order_count: failed: models\/order_count\.sql: trino: cannot reach the coordinator/m, r.stdout);
    assert.deepEqual(await listed(dir, 'silver'), [], 'no silver table was committed');
    assert.deepEqual(await listed(dir, 'gold'), [], 'no gold table was committed');
    assert.deepEqual(await listed(dir, 'silt_staging'), [], 'no staging table is left');
  });

  test('a trino url that is no http(s) URL is refused, naming the key', async () => {
    await rewritePipelineYaml(dir, `${SILVER}\ntrino: { url: "trino:8080" }\n`);
    const r = await cli(dir, 'run');
    assertNoStack(r, 'run');
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout + r.stderr, /trino\.url.*an http:\/\/ or https:\/\/ URL of the coordinator/, r.stdout + r.stderr);
    await fs.rm(path.join(dir, 'models', 'order_count.sql'));
  });
});
