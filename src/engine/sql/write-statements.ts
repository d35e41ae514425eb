/** CREATE TABLE … AS SELECT and INSERT INTO: write Parquet files, then commit them in one append; INSERT OVERWRITE replaces. */
import { AlreadyExists, Cancelled, InvalidInput } from '../../errors.js';
import { buildSchema, currentSchema, parsePartitionSpec, partitionKey, type DataFile, type PartitionSpec, type Table, type TableMetadata } from '../../table/index.js';
import type { DuckDBType } from '@duckdb/node-api';
import type { StatementContext, StatementOutcome } from './statement-types.js';
import type { Statement } from './sql-statement.js';
import { currentScan, duckdbToIceberg, quoteIdent, scanSql, translateError } from '../core/index.js';
import { writeDataFiles } from '../write/index.js';
import { describeQuery } from './describe-query.js';

type CreateAs = Extract<Statement, { kind: 'create-as' }>;
type Insert = Extract<Statement, { kind: 'insert' }>;

export async function runWrite(ctx: StatementContext, s: CreateAs | Insert): Promise<StatementOutcome> {
  return s.kind === 'create-as' ? createAs(ctx, s) : insert(ctx, s);
}

async function createAs(ctx: StatementContext, s: CreateAs): Promise<StatementOutcome> {
  const { namespace, name } = s.table;
  const label = `${namespace}.${name}`;
  if (await ctx.resolver.tableExists(namespace, name)) {
    if (s.ifNotExists) return { rowCount: 0, message: `table ${label} already exists; nothing written` };
    throw new AlreadyExists(`query: table ${label} already exists`);
  }
  const query = (await ctx.binder.bind(s.query)).sql;
  const columns = await describeQuery(ctx.engine, query);
  const seen = new Set<string>();
  for (const c of columns) {
    if (seen.has(c.name.toLowerCase())) throw new InvalidInput(`query: CREATE TABLE ${label}: column ${c.name} appears twice; give it an alias`);
    seen.add(c.name.toLowerCase());
  }
  const { schema, lastColumnId } = buildSchema(columns.map((c) => ({ name: c.name, type: duckdbToIceberg(c.type, c.name) })));
  const partitionFields = s.partitionBy ? parsePartitionSpec(s.partitionBy, schema) : [];
  // Registered only with its rows: a failed or killed statement leaves no table, empty or not.
  const created = await ctx.resolver.createTableWith(namespace, name, { schema, lastColumnId, partitionFields }, async (table) => {
    const files = await write(ctx, table.metadata, `SELECT * FROM (${query})`);
    notCancelled(ctx);
    return { rows: countRows(files), snapshot: files.length > 0 ? await table.append(files) : undefined };
  });
  if (!created) {
    if (s.ifNotExists) return { rowCount: 0, message: `table ${label} already exists; nothing written` };
    throw new AlreadyExists(`query: table ${label} already exists (created meanwhile by another writer)`);
  }
  const { rows, snapshot } = created.value;
  return {
    rowCount: rows,
    message: `created table ${label} (${rowsText(rows)})`,
    ...(snapshot ? { snapshotId: snapshot['snapshot-id'] } : {}),
  };
}

async function insert(ctx: StatementContext, s: Insert): Promise<StatementOutcome> {
  const { namespace, name } = s.table;
  const label = `${namespace}.${name}`;
  const table = await ctx.binder.table(namespace, name);
  await table.refresh();
  // An overwrite reads the target (if it does) as of each commit attempt's base: see overwrite().
  const { sql: query, targetView } = await ctx.binder.bind(s.query, s.overwrite ? { target: s.table } : {});
  const readTarget = async (base: TableMetadata, files: DataFile[]): Promise<void> => {
    if (targetView) await ctx.binder.createViewSql(targetView, await scanSql(currentScan(base, label, files, currentSchema(base)), ctx.resolver.store));
  };
  if (s.overwrite) await readTarget(table.metadata, (await table.liveEntries()).map((e) => e.dataFile));
  const source = await describeQuery(ctx.engine, query);
  const fields = currentSchema(table.metadata).fields;
  const findField = (col: string): string => {
    const f = fields.find((x) => x.name === col) ?? fields.find((x) => x.name.toLowerCase() === col.toLowerCase());
    if (!f) throw new InvalidInput(`insert: ${label} has no column ${col} (columns: ${fields.map((x) => x.name).join(', ')})`);
    return f.name;
  };
  let targets: string[];
  if (s.byName) targets = source.map((c) => findField(c.name));
  else if (s.columns) {
    if (s.columns.length !== source.length) {
      throw new InvalidInput(`insert: ${s.columns.length} columns named but the query gives ${source.length}`);
    }
    targets = s.columns.map(findField);
  } else {
    if (source.length !== fields.length) {
      throw new InvalidInput(`insert: ${label} has ${fields.length} columns but the query gives ${source.length}; name the columns to fill`);
    }
    targets = fields.map((f) => f.name);
  }
  const dup = targets.find((t, i) => targets.indexOf(t) !== i);
  if (dup) throw new InvalidInput(`insert: column ${dup} is given twice`);
  const aliases = source.map((_, i) => quoteIdent(`c${i}`));
  const select = fields.map((f) => {
    const i = targets.indexOf(f.name);
    return `${i >= 0 ? `__ins.${aliases[i]}` : 'NULL'} AS ${quoteIdent(f.name)}`;
  });
  const rowsSql = `SELECT ${select.join(', ')} FROM (${query}) AS __ins(${aliases.join(', ')})`;
  if (s.overwrite) return overwrite(ctx, table, label, rowsSql, readTarget);
  const files = await write(ctx, table.metadata, rowsSql);
  notCancelled(ctx);
  const rows = countRows(files);
  if (files.length === 0) return { rowCount: 0, message: `inserted 0 rows into ${label}` };
  const snapshot = await table.append(files);
  return { rowCount: rows, message: `inserted ${rowsText(rows)} into ${label}`, snapshotId: snapshot['snapshot-id'] };
}

/**
 * INSERT OVERWRITE: the rows replace the whole table when its spec is unpartitioned, else the
 * partitions they fall in (dynamic overwrite: the live files of the default spec with those
 * partition values; files of other partitions and of earlier specs stay, as Iceberg's
 * replace-partitions does). One `overwrite` commit; on a lost commit race the rows are written
 * again on the new base (the query may read the table), so no concurrent commit is undone unseen.
 */
async function overwrite(
  ctx: StatementContext,
  table: Table,
  label: string,
  rowsSql: string,
  readTarget: (base: TableMetadata, files: DataFile[]) => Promise<void>,
): Promise<StatementOutcome> {
  const store = ctx.resolver.store;
  const written: DataFile[] = [];
  const dropWritten = async (): Promise<void> => {
    for (const f of written.splice(0)) await store.delete(store.keyOf(f.filePath)).catch(() => undefined);
  };
  let replaced = 0;
  let partitioned = false;
  try {
    const snapshot = await table.rewrite('overwrite', async (base, live) => {
      await dropWritten();
      const files = live.map((e) => e.dataFile);
      await readTarget(base, files);
      written.push(...(await write(ctx, base, rowsSql)));
      partitioned = defaultSpec(base).fields.length > 0;
      const parts = new Set(written.map(partitionKey));
      const remove = partitioned ? files.filter((f) => parts.has(partitionKey(f))) : files;
      replaced = partitioned ? parts.size : remove.length;
      notCancelled(ctx);
      return { remove: remove.map((f) => f.filePath), add: [...written] };
    });
    const rows = countRows(written);
    const what = partitioned ? `${replaced} partition${replaced === 1 ? '' : 's'}` : `all its rows (${replaced} file${replaced === 1 ? '' : 's'})`;
    return {
      rowCount: rows,
      message: `overwrote ${label}: ${rowsText(rows)} written, replacing ${what}`,
      ...(snapshot ? { snapshotId: snapshot['snapshot-id'] } : {}),
    };
  } catch (e) {
    await dropWritten();
    throw e;
  }
}

/** Writes rows of `selectSql` as data files of the table's current schema and default spec. */
export async function write(ctx: StatementContext, m: TableMetadata, selectSql: string): Promise<DataFile[]> {
  return writeDataFiles(ctx.engine, {
    selectSql,
    schema: currentSchema(m),
    spec: defaultSpec(m),
    store: ctx.resolver.store,
    tableLocation: m.location,
    tableProperties: m.properties,
    ...(ctx.targetFileBytes ? { targetFileBytes: ctx.targetFileBytes } : {}),
  });
}

/** A statement cancelled while it wrote stops before its commit. */
export function notCancelled(ctx: StatementContext): void {
  if (ctx.signal?.aborted) throw new Cancelled('query: the statement was cancelled; nothing was committed');
}

export function defaultSpec(m: TableMetadata): PartitionSpec {
  return m['partition-specs'].find((s) => s['spec-id'] === m['default-spec-id']) ?? { 'spec-id': 0, fields: [] };
}

/** `1 row`, `3 rows`. */
export function rowsText(n: number): string {
  return `${n} row${n === 1 ? '' : 's'}`;
}

export function countRows(files: readonly DataFile[]): number {
  return files.reduce((n, f) => n + f.recordCount, 0);
}

/** Column names and types of a query, without running it. */
