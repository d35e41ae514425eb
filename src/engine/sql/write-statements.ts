/** CREATE TABLE … AS SELECT and INSERT INTO: write Parquet files, then commit them in one append. */
import { AlreadyExists, Cancelled, InvalidInput } from '../../errors.js';
import { buildSchema, currentSchema, parsePartitionSpec, type DataFile, type PartitionSpec, type TableMetadata } from '../../table/index.js';
import type { DuckDBType } from '@duckdb/node-api';
import type { StatementContext, StatementOutcome } from './statement-types.js';
import type { Statement } from './sql-statement.js';
import { duckdbToIceberg, quoteIdent, translateError } from '../core/index.js';
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
  const query = (await ctx.binder.bind(s.query)).sql;
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
  const files = await write(ctx, table.metadata, `SELECT ${select.join(', ')} FROM (${query}) AS __ins(${aliases.join(', ')})`);
  notCancelled(ctx);
  const rows = countRows(files);
  if (files.length === 0) return { rowCount: 0, message: `inserted 0 rows into ${label}` };
  const snapshot = await table.append(files);
  return { rowCount: rows, message: `inserted ${rowsText(rows)} into ${label}`, snapshotId: snapshot['snapshot-id'] };
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
