import { createRoute, z } from '@hono/zod-openapi';
import { CommitConflict, InvalidInput, NotFound } from '../../errors.js';
import type { Catalog } from '../../catalog/index.js';
import { type Table, type TableChange, type TableUpdate } from '../../table/index.js';
import type { ServerDeps } from '../deps.js';
import { restAccess, type RestAccess } from './access.js';
import { routeApp } from '../route-app.js';
import { icebergError, icebergErrors } from './errors.js';
import { CommitTableRequest, TableIdentifier, TableMetadataSchema } from './schemas.js';
import { definitionOf } from './tables.js';
import { exactBody, exactJson, json, namespaceOf, namespaceOfTable, TablePath } from './wire.js';

const commitTable = createRoute({
  method: 'post',
  path: '/v1/namespaces/{namespace}/tables/{table}',
  summary: 'Iceberg REST: commit requirements and updates to a table (a requirement that no longer holds: 409, reload and retry)',
  request: { params: TablePath, body: { required: true, content: { 'application/json': { schema: CommitTableRequest } } } },
  responses: {
    200: json(z.object({ 'metadata-location': z.string(), metadata: TableMetadataSchema }).openapi('IcebergCommitTableResponse'), 'The committed metadata'),
    ...icebergErrors(400, 404, 409, 503),
  },
});
const commitTransaction = createRoute({
  method: 'post',
  path: '/v1/transactions/commit',
  summary: 'Iceberg REST: commit to several tables at once: all land or none',
  request: {
    body: {
      required: true,
      content: {
        'application/json': { schema: z.object({ 'table-changes': z.array(CommitTableRequest.extend({ identifier: TableIdentifier })).min(1) }).openapi('IcebergCommitTransactionRequest') },
      },
    },
  },
  responses: { 204: { description: 'Every change committed' }, ...icebergErrors(400, 404, 409, 503) },
});

type WireChange = { identifier?: { namespace: string[]; name: string }; requirements: TableChange['requirements']; updates: TableChange['updates'] };

/**
 * Commits of the Iceberg REST catalog. They take the same path as Silt's own writers
 * (`Catalog.commitTransaction`: requirements checked on the fresh base, updates applied, pointer
 * swapped), so a REST commit and a Silt write racing on one table both land, or one is a 409.
 */
export function commitRoutes(deps: ServerDeps) {
  const { catalog } = deps.project;
  return routeApp(icebergError)
    .openapi(commitTable, async (c) => {
      const { namespace, table: name } = c.req.valid('param');
      const ns = namespaceOfTable(namespace, name);
      const change = (await exactBody(c)) as WireChange;
      const access = restAccess(deps, c);
      await requireSnapshotFiles(catalog, change.updates);
      if (change.requirements.some((r) => r.type === 'assert-create') && !(await catalog.tableExists(ns, name))) {
        await access.requireWrite('CREATE', ns, name);
        const table = await createByCommit(catalog, ns, name, change);
        return exactJson(c, { 'metadata-location': table.metadataLocation, metadata: table.metadata });
      }
      const table = await catalog.loadTable(ns, name);
      await requireCommit(access, ns, name, table, change.updates);
      const [done] = await catalog.commitTransaction([{ table, change }]);
      return exactJson(c, { 'metadata-location': done!.metadataLocation, metadata: done!.metadata });
    })
    .openapi(commitTransaction, async (c) => {
      const { 'table-changes': changes } = (await exactBody(c)) as { 'table-changes': (WireChange & { identifier: { namespace: string[]; name: string } })[] };
      const seen = new Set<string>();
      const access = restAccess(deps, c);
      const targets = [];
      for (const [i, ch] of changes.entries()) {
        const ns = namespaceOf(ch.identifier.namespace, `table-changes.${i}.identifier.namespace`);
        const key = `${ns}.${ch.identifier.name}`;
        if (seen.has(key)) throw new CommitConflict(`commit: ${key} appears twice in one transaction; give each table one change`);
        seen.add(key);
        await requireSnapshotFiles(catalog, ch.updates);
        const table = await catalog.loadTable(ns, ch.identifier.name);
        await requireCommit(access, ns, ch.identifier.name, table, ch.updates);
        targets.push({ table, change: { requirements: ch.requirements, updates: ch.updates } });
      }
      await catalog.commitTransaction(targets);
      return c.body(null, 204);
    });
}

/** Updates that change a table's rows (MODIFY); every other kind changes the table itself (ALTER). */
const DATA_UPDATES: ReadonlySet<string> = new Set(['add-snapshot', 'set-snapshot-ref', 'remove-snapshots', 'remove-snapshot-ref', 'set-statistics', 'remove-statistics', 'set-partition-statistics', 'remove-partition-statistics']);

/** A commit answers the table's metadata, so its committer must read the whole table, and hold MODIFY and/or ALTER as its updates need. */
async function requireCommit(access: RestAccess, ns: string, name: string, table: Table, updates: readonly TableUpdate[]): Promise<void> {
  await access.requireWholeRead(ns, name, table);
  if (updates.some((u) => DATA_UPDATES.has(u.action))) await access.requireWrite('MODIFY', ns, name);
  if (updates.some((u) => !DATA_UPDATES.has(u.action))) await access.requireWrite('ALTER', ns, name);
}

/**
 * A snapshot whose manifest list is not in this project's storage would make the table unreadable
 * for everyone once committed: refused as the client's mistake (say a vacuum removed files it had
 * not committed yet, or it wrote them elsewhere).
 */
async function requireSnapshotFiles(catalog: Catalog, updates: readonly TableUpdate[]): Promise<void> {
  for (const [i, u] of updates.entries()) {
    if (u.action !== 'add-snapshot') continue;
    const list = u.snapshot['manifest-list'];
    let key: string | undefined;
    try {
      key = catalog.store.keyOf(list);
    } catch {
      key = undefined;
    }
    if (key === undefined || !(await catalog.store.exists(key).catch(() => false))) {
      throw new InvalidInput(`commit: update ${i} (add-snapshot): manifest list ${list} is ${key === undefined ? `outside this project's storage (${catalog.store.rootUri})` : 'missing'}; write the snapshot's files under the table's location and retry`, {
        details: { field: `updates.${i}.snapshot.manifest-list`, file: list },
      });
    }
  }
}

/**
 * A staged create's commit (`assert-create`): the table starts from the first schema and spec the
 * updates add, the rest of the change is committed on it, and it is registered only then.
 */
async function createByCommit(catalog: Catalog, ns: string, name: string, change: WireChange): Promise<Table> {
  await catalog.requireNamespace(ns);
  const firstSchema = change.updates.find((u): u is Extract<TableUpdate, { action: 'add-schema' }> => u.action === 'add-schema');
  if (!firstSchema) throw new NotFound(`commit: no table ${ns}.${name}, and the assert-create change adds no schema to make it with`, { code: 'table_not_found', details: { table: `${ns}.${name}` } });
  const firstSpec = change.updates.find((u): u is Extract<TableUpdate, { action: 'add-spec' }> => u.action === 'add-spec');
  const location = change.updates.find((u): u is Extract<TableUpdate, { action: 'set-location' }> => u.action === 'set-location')?.location;
  const uuid = change.updates.find((u): u is Extract<TableUpdate, { action: 'assign-uuid' }> => u.action === 'assign-uuid')?.uuid;
  const def = { ...definitionOf({ schema: firstSchema.schema as never, 'partition-spec': (firstSpec?.spec as never) ?? null }), uuid };
  // The table starts with its uuid, in the folder its staged create gave (the client may have
  // written data there), or a fresh one when that folder is not fit.
  const rest: TableChange = {
    requirements: change.requirements.filter((r) => r.type !== 'assert-create'),
    updates: change.updates.filter((u) => u.action !== 'set-location' && u.action !== 'assign-uuid'),
  };
  const made = await catalog.createTableWith(ns, name, def, (staged) => staged.commitChange(rest), { location });
  if (!made) throw new CommitConflict(`commit: ${ns}.${name}: requirement assert-create failed: the table was created meanwhile; load it and retry`);
  return made.table;
}

