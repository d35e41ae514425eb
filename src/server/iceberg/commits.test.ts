import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { assertIcebergError, call, createNamespace, sql, V1, withApi } from '../../testing/index.js';

const url = (table: string) => `${V1}/namespaces/shop/tables/${table}`;

/** The table's metadata as the client sees it, snapshot ids exact (as text). */
async function head(app: OpenAPIHono, table: string): Promise<{ snapshot: string; metadata: any }> {
  const text = await (await app.request(url(table))).text();
  return { snapshot: /"current-snapshot-id":(\d+)/.exec(text)?.[1] ?? '', metadata: JSON.parse(text).metadata };
}

/** A commit whose body is written by hand, so int64 ids go over the wire exactly. */
async function commitRaw(app: OpenAPIHono, table: string, body: string): Promise<{ status: number; body: any }> {
  const res = await app.request(url(table), { method: 'POST', body, headers: { 'content-type': 'application/json' } });
  return { status: res.status, body: await res.json() };
}

const setProp = (key: string, value: string) => ({ action: 'set-properties', updates: { [key]: value } });

test('every requirement kind holds or is a 409 CommitFailedException naming it; int64 snapshot ids are compared exactly', async () => {
  await withApi({}, async (app) => {
    await createNamespace(app, 'shop');
    await sql(app, 'CREATE TABLE shop.t PARTITIONED BY (day) AS SELECT range AS id, DATE \'2024-01-01\' AS day FROM range(3)');
    // Ids are random int64s; one below 2^53 (1 in 1,024) would not tell an exact parse from JSON.parse.
    while (BigInt((await head(app, 't')).snapshot) < 2n ** 53n) await sql(app, "INSERT INTO shop.t VALUES (9, DATE '2024-01-02')");
    const { snapshot, metadata: m } = await head(app, 't');
    const holding = [
      { type: 'assert-table-uuid', uuid: m['table-uuid'] },
      { type: 'assert-last-assigned-field-id', 'last-assigned-field-id': m['last-column-id'] },
      { type: 'assert-current-schema-id', 'current-schema-id': m['current-schema-id'] },
      { type: 'assert-last-assigned-partition-id', 'last-assigned-partition-id': m['last-partition-id'] },
      { type: 'assert-default-spec-id', 'default-spec-id': m['default-spec-id'] },
      { type: 'assert-default-sort-order-id', 'default-sort-order-id': m['default-sort-order-id'] },
      { type: 'assert-ref-snapshot-id', ref: 'audit', 'snapshot-id': null },
    ];
    const ok = await call(app, 'POST', url('t'), { requirements: holding, updates: [setProp('a', '1')] });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal(ok.body.metadata.properties.a, '1');
    assert.match(ok.body['metadata-location'], /\.metadata\.json$/);

    const pinned = (id: string) => `{"requirements":[{"type":"assert-ref-snapshot-id","ref":"main","snapshot-id":${id}}],"updates":[{"action":"set-properties","updates":{"b":"2"}}]}`;
    assert.equal((await commitRaw(app, 't', pinned(snapshot))).status, 200);
    assertIcebergError(await commitRaw(app, 't', pinned(String(BigInt(snapshot) + 1n))), 409, 'CommitFailedException', `main is at snapshot ${snapshot}`);

    const failing: [object, string][] = [
      [{ type: 'assert-create' }, 'already exists'],
      [{ type: 'assert-table-uuid', uuid: '00000000-0000-0000-0000-000000000000' }, 'assert-table-uuid'],
      [{ type: 'assert-ref-snapshot-id', ref: 'main', 'snapshot-id': null }, 'main exists'],
      [{ type: 'assert-last-assigned-field-id', 'last-assigned-field-id': 99 }, 'assert-last-assigned-field-id'],
      [{ type: 'assert-current-schema-id', 'current-schema-id': 7 }, 'assert-current-schema-id'],
      [{ type: 'assert-last-assigned-partition-id', 'last-assigned-partition-id': 5000 }, 'assert-last-assigned-partition-id'],
      [{ type: 'assert-default-spec-id', 'default-spec-id': 3 }, 'assert-default-spec-id'],
      [{ type: 'assert-default-sort-order-id', 'default-sort-order-id': 4 }, 'assert-default-sort-order-id'],
    ];
    for (const [r, mentions] of failing) {
      assertIcebergError(await call(app, 'POST', url('t'), { requirements: [r], updates: [setProp('c', '3')] }), 409, 'CommitFailedException', mentions);
    }
    assert.equal((await head(app, 't')).metadata.properties.c, undefined, 'a refused commit changes nothing');
  });
});

test('updates: schema evolution, spec and sort order, refs and properties apply; an invalid update is a 400 and an unknown table a 404', async () => {
  await withApi({}, async (app) => {
    await createNamespace(app, 'shop');
    await sql(app, 'CREATE TABLE shop.t AS SELECT range AS id FROM range(3)');
    const { snapshot, metadata: m } = await head(app, 't');
    const fields = [...m.schemas[0].fields, { id: m['last-column-id'] + 1, name: 'note', required: false, type: 'string' }];
    const body = `{"requirements":[{"type":"assert-current-schema-id","current-schema-id":${m['current-schema-id']}}],"updates":[` +
      `{"action":"add-schema","schema":${JSON.stringify({ type: 'struct', 'schema-id': 1, fields })},"last-column-id":${m['last-column-id'] + 1}},` +
      `{"action":"set-current-schema","schema-id":-1},` +
      `{"action":"add-spec","spec":{"spec-id":1,"fields":[{"source-id":1,"field-id":1000,"name":"id_bucket","transform":"bucket[4]"}]}},` +
      `{"action":"set-default-spec","spec-id":-1},` +
      `{"action":"add-sort-order","sort-order":{"order-id":1,"fields":[{"source-id":1,"transform":"identity","direction":"desc","null-order":"nulls-last"}]}},` +
      `{"action":"set-default-sort-order","sort-order-id":-1},` +
      `{"action":"set-snapshot-ref","ref-name":"audit","type":"tag","snapshot-id":${snapshot}},` +
      `{"action":"set-properties","updates":{"k":"v","gone":"x"}},{"action":"remove-properties","removals":["gone"]}]}`;
    const r = await commitRaw(app, 't', body);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const after = (await head(app, 't')).metadata;
    assert.equal(after['current-schema-id'], 1);
    assert.equal(after['default-spec-id'], 1);
    assert.equal(after['default-sort-order-id'], 1);
    assert.equal(after.properties.k, 'v');
    assert.equal(after.properties.gone, undefined);
    assert.ok(after.refs.audit);
    // Silt reads the evolved table: the new column is there, empty for old rows.
    assert.deepEqual(await sql(app, 'SELECT count(*)::INTEGER, count(note)::INTEGER FROM shop.t'), [[3, 0]]);

    assertIcebergError(await call(app, 'POST', url('t'), { requirements: [], updates: [{ action: 'set-current-schema', 'schema-id': 42 }] }), 400, 'BadRequestException', '42');
    assertIcebergError(await call(app, 'POST', url('t'), { requirements: [], updates: [{ action: 'no-such-update' }] }), 400, 'BadRequestException');
    assertIcebergError(await call(app, 'POST', url('nope'), { requirements: [], updates: [setProp('a', '1')] }), 404, 'NoSuchTableException', 'shop.nope');
    const snap = (list: string) =>
      `{"requirements":[],"updates":[{"action":"add-snapshot","snapshot":{"snapshot-id":5,"parent-snapshot-id":${snapshot},"sequence-number":${m['last-sequence-number'] + 1},` +
      `"timestamp-ms":${Date.now()},"manifest-list":${JSON.stringify(list)},"summary":{"operation":"append"}}}]}`;
    const missing = `${m.location}/metadata/snap-never-written.avro`;
    assertIcebergError(await commitRaw(app, 't', snap(missing)), 400, 'BadRequestException', `manifest list ${missing} is missing`);
    assertIcebergError(await commitRaw(app, 't', snap('s3://elsewhere/snap.avro')), 400, 'BadRequestException', 'outside this project');
    assert.equal((await head(app, 't')).metadata.snapshots.length, 1, 'nothing was committed');
  });
});

test('a staged create is written nowhere until its assert-create commit makes the table; a second one is a 409', async () => {
  await withApi({}, async (app) => {
    await createNamespace(app, 'shop');
    const schema = { type: 'struct', 'schema-id': 0, fields: [{ id: 1, name: 'id', required: false, type: 'long' }] };
    const staged = await call(app, 'POST', `${V1}/namespaces/shop/tables`, { name: 'new_t', schema, 'stage-create': true });
    assert.equal(staged.status, 200, JSON.stringify(staged.body));
    assert.equal(staged.body['metadata-location'], undefined);
    assert.deepEqual((await call(app, 'GET', `${V1}/namespaces/shop/tables`)).body.identifiers, []);
    const create = {
      requirements: [{ type: 'assert-create' }],
      updates: [
        { action: 'assign-uuid', uuid: staged.body.metadata['table-uuid'] },
        { action: 'add-schema', schema },
        { action: 'set-current-schema', 'schema-id': -1 },
        { action: 'add-spec', spec: { 'spec-id': 0, fields: [] } },
        { action: 'set-default-spec', 'spec-id': -1 },
        { action: 'set-location', location: staged.body.metadata.location },
        setProp('made', 'staged'),
      ],
    };
    // The client writes its data under the staged location before it commits.
    const dataFile = path.join(fileURLToPath(staged.body.metadata.location), 'data', 'client.parquet');
    await mkdir(path.dirname(dataFile), { recursive: true });
    await writeFile(dataFile, 'written before the commit');
    const made = await call(app, 'POST', url('new_t'), create);
    assert.equal(made.status, 200, JSON.stringify(made.body));
    assert.ok(made.body['metadata-location'].startsWith(`${staged.body.metadata.location}/metadata/`), 'the table lives where its data was staged');
    assert.equal(made.body.metadata.properties.made, 'staged');
    assert.equal(made.body.metadata['table-uuid'], staged.body.metadata['table-uuid']);
    await sql(app, 'INSERT INTO shop.new_t VALUES (7)');
    assert.deepEqual(await sql(app, 'SELECT id::INTEGER FROM shop.new_t'), [[7]]);
    assertIcebergError(await call(app, 'POST', url('new_t'), create), 409, 'CommitFailedException', 'assert-create');
  });
});

test('a transaction over two tables commits both, or neither when one requirement fails', async () => {
  await withApi({}, async (app) => {
    await createNamespace(app, 'shop');
    await sql(app, 'CREATE TABLE shop.a AS SELECT 1 AS id');
    await sql(app, 'CREATE TABLE shop.b AS SELECT 1 AS id');
    const change = (name: string, schemaId: number, value: string) => ({
      identifier: { namespace: ['shop'], name },
      requirements: [{ type: 'assert-current-schema-id', 'current-schema-id': schemaId }],
      updates: [setProp('tx', value)],
    });
    const tx = (changes: object[]) => call(app, 'POST', `${V1}/transactions/commit`, { 'table-changes': changes });
    assert.equal((await tx([change('a', 0, 'one'), change('b', 0, 'one')])).status, 204);
    assertIcebergError(await tx([change('a', 0, 'two'), change('b', 9, 'two')]), 409, 'CommitFailedException', 'shop.b');
    for (const t of ['a', 'b']) assert.equal((await head(app, t)).metadata.properties.tx, 'one', t);
    assertIcebergError(await tx([change('a', 0, 'x'), change('nope', 0, 'x')]), 404, 'NoSuchTableException', 'shop.nope');
    assertIcebergError(await tx([change('a', 0, 'x'), change('a', 0, 'y')]), 409, 'CommitFailedException', 'twice');
    assertIcebergError(await tx([]), 400, 'BadRequestException', 'table-changes');
  });
});

test('Silt inserts and REST commits racing on one table: every insert lands, each REST commit lands or is a clean 409', async () => {
  await withApi({}, async (app) => {
    await createNamespace(app, 'shop');
    await sql(app, 'CREATE TABLE shop.t AS SELECT 0 AS id');
    const inserts = Array.from({ length: 6 }, (_, i) => sql(app, `INSERT INTO shop.t VALUES (${i + 1})`));
    const commits = Array.from({ length: 6 }, async (_, i) => {
      const { snapshot } = await head(app, 't');
      return commitRaw(app, 't', `{"requirements":[{"type":"assert-ref-snapshot-id","ref":"main","snapshot-id":${snapshot}}],"updates":[{"action":"set-properties","updates":{"rest-${i}":"yes"}}]}`);
    });
    const answers = await Promise.all(commits);
    await Promise.all(inserts);
    for (const a of answers) {
      if (a.status !== 200) assertIcebergError(a, 409, 'CommitFailedException', 'main is at snapshot');
    }
    assert.deepEqual(await sql(app, 'SELECT count(*)::INTEGER FROM shop.t'), [[7]]);
    const props = (await head(app, 't')).metadata.properties;
    answers.forEach((a, i) => assert.equal(props[`rest-${i}`], a.status === 200 ? 'yes' : undefined, `commit ${i} answered ${a.status}`));
  });
});
