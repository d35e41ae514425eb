/**
 * Binds a checked SELECT to catalog tables: loads each referenced table, plans its files with the
 * WHERE conjuncts that apply to it, and creates a view per table (and per time-travel snapshot)
 * named exactly as the query names it, so the user's SQL then runs unchanged.
 */
import { EnvironmentFault, InvalidInput, NotFound } from '../errors.js';
import { currentSchema, onlySchema, ROLL_BACK, schemaById, snapshotAsOf, snapshotById, type Expr, type Schema, type Table, type TableMetadata } from '../table/index.js';
import type { Engine } from './duckdb.js';
import { anyOf, whereToExpr, type ColumnInfo } from './predicate.js';
import { analyzeQuery, type TableScope } from './query-ast.js';
import { externalScanSql, type ExternalTableDef } from './external-scan.js';
import { execSql } from './sql-errors.js';
import { quoteIdent } from './sql-text.js';
import { currentScan, scanSql } from './table-reader.js';
import { loadForQuery, type TableResolver } from './table-resolver.js';
import type { SnapshotSelector, TimeTravelRef } from './time-travel.js';

export interface ScanStats {
  files_total: number;
  files_scanned: number;
  bytes_total: number;
  bytes_scanned: number;
}

export function emptyScanStats(): ScanStats {
  return { files_total: 0, files_scanned: 0, bytes_total: 0, bytes_scanned: 0 };
}

export interface BindOptions {
  /** A table whose view the caller creates itself (DML targets); its filter is returned instead. */
  target?: { namespace: string; name: string };
}

interface Group {
  namespace: string;
  table: string;
  view: string;
  selector: SnapshotSelector;
  filters: Expr[];
  external?: ExternalTableDef;
}

export class QueryBinder {
  readonly stats = emptyScanStats();
  private readonly tables = new Map<string, Table>();
  private readonly views: string[] = [];
  private readonly schemas = new Set<string>();

  constructor(
    private readonly engine: Engine,
    private readonly resolver: TableResolver,
    private readonly timeTravel: ReadonlyMap<string, TimeTravelRef> = new Map(),
  ) {}

  async table(namespace: string, name: string): Promise<Table> {
    const key = `${namespace}.${name}`;
    let t = this.tables.get(key);
    if (!t) {
      try {
        t = await loadForQuery(this.resolver, namespace, name);
      } catch (e) {
        if (e instanceof NotFound && (await this.external(namespace, name))) throw readOnly(namespace, name);
        throw e;
      }
      this.tables.set(key, t);
    }
    return t;
  }

  /** The crawled table `ns.name`, when no Iceberg table has that name. */
  private async external(namespace: string, name: string): Promise<ExternalTableDef | undefined> {
    const tables = this.resolver.externalTables;
    if (!tables || this.tables.has(`${namespace}.${name}`) || (await this.resolver.tableExists(namespace, name))) return undefined;
    return tables.find(namespace.toLowerCase(), name.toLowerCase());
  }

  /** Binds every table the query reads; returns the target's filter when `target` is given. */
  async bind(query: string, options: BindOptions = {}): Promise<{ targetFilter: Expr }> {
    const analysis = await analyzeQuery(this.engine, query);
    const groups = new Map<string, Group>();
    const scopesByRef = new Map<unknown, TableScope>();
    for (const scope of analysis.scopes.values()) scopesByRef.set(scope.ref, scope);
    let targetFilters: Expr[] = [];
    for (const ref of analysis.refs) {
      const travel = this.timeTravel.get(`${ref.namespace}.${ref.table}`.toLowerCase());
      const table = travel?.table ?? ref.table;
      const selector = travel?.selector ?? { kind: 'current' };
      const external = await this.external(ref.namespace, table);
      if (external) {
        if (travel) throw new InvalidInput(`query: ${ref.namespace}.${table} is an external table (crawled); it has no snapshots to travel to`);
        if (options.target && sameName(options.target.namespace, ref.namespace) && sameName(options.target.name, ref.table)) {
          throw readOnly(ref.namespace, ref.table);
        }
        const key = `${ref.namespace}.${ref.table}`.toLowerCase();
        groups.set(key, { namespace: ref.namespace, table, view: ref.table, selector, filters: [], external });
        continue;
      }
      const t = await this.table(ref.namespace, table);
      const schema = selectedSchema(t.metadata, selector, `${ref.namespace}.${table}`);
      const scope = scopesByRef.get(ref);
      const filter =
        scope && scope.prunable && !ref.renamed
          ? whereToExpr(scope.where, (names) => resolveColumn(names, schema, ref.namespace, ref.table, ref.qualifier, scope.single))
          : { op: 'true' as const };
      const isTarget =
        options.target !== undefined && !travel &&
        sameName(options.target.namespace, ref.namespace) && sameName(options.target.name, ref.table);
      if (isTarget) {
        targetFilters.push(filter);
        continue;
      }
      const key = `${ref.namespace}.${ref.table}`.toLowerCase();
      const group = groups.get(key) ?? { namespace: ref.namespace, table, view: ref.table, selector, filters: [] };
      group.filters.push(filter);
      groups.set(key, group);
    }
    for (const g of groups.values()) await this.createView(g);
    if (targetFilters.length === 0) targetFilters = [{ op: 'true' }];
    return { targetFilter: anyOf(targetFilters) };
  }

  private async createView(g: Group): Promise<void> {
    if (g.external) {
      const bytes = g.external.files.reduce((n, f) => n + f.size, 0);
      this.stats.files_total += g.external.files.length;
      this.stats.files_scanned += g.external.files.length;
      this.stats.bytes_total += bytes;
      this.stats.bytes_scanned += bytes;
      await this.createViewSql(g.namespace, g.view, externalScanSql(g.external));
      return;
    }
    const t = await this.table(g.namespace, g.table);
    const filter = anyOf(g.filters);
    const plan = await t.planFiles({
      ...(g.selector.kind === 'version' ? { snapshotId: g.selector.snapshotId } : {}),
      ...(g.selector.kind === 'timestamp' ? { asOfMs: g.selector.ms } : {}),
      ...(filter.op === 'true' ? {} : { filter }),
    });
    const schema = g.selector.kind === 'current' ? currentSchema(t.metadata) : plan.schema;
    this.stats.files_total += plan.filesTotal;
    this.stats.bytes_total += plan.bytesTotal;
    this.stats.files_scanned += plan.files.length;
    this.stats.bytes_scanned += plan.files.reduce((n, f) => n + f.fileSizeInBytes, 0);
    await this.createViewSql(g.namespace, g.view, await scanSql(currentScan(t.metadata, `${g.namespace}.${g.table}`, plan.files, schema), this.resolver.store));
  }

  /** Creates (or replaces) the view `ns.name`; dropped again by release(). */
  async createViewSql(namespace: string, name: string, sql: string): Promise<void> {
    if (!this.schemas.has(namespace)) {
      await execSql(this.engine, `CREATE SCHEMA IF NOT EXISTS ${quoteIdent(namespace)}`, 'query');
      this.schemas.add(namespace);
    }
    const view = `${quoteIdent(namespace)}.${quoteIdent(name)}`;
    await execSql(this.engine, `CREATE OR REPLACE VIEW ${view} AS ${sql}`, 'query');
    this.views.push(view);
  }

  /**
   * A failed read of a bound table's data file (deleted, truncated, not Parquet) as an
   * EnvironmentFault naming the table and the file; any other error as it is.
   */
  fileFault(e: unknown): unknown {
    if (e instanceof EnvironmentFault) return e; // a write's full disk, say: already said well
    const first = (e instanceof Error ? e.message : String(e)).split('\n')[0]!;
    if (!DATA_FILE_FAULT.test(first)) return e;
    const store = this.resolver.store;
    for (const t of this.tables.values()) {
      const dir = store.enginePath(store.keyOf(t.metadata.location)) + '/';
      const at = first.indexOf(dir);
      if (at < 0) continue;
      const file = /^[^"'\s]+/.exec(first.slice(at))![0];
      const what = /No such file|No files found/.test(first) ? 'is missing' : `is damaged (${first.replace(/^(query: )?/, '')})`;
      return new EnvironmentFault(`query: table ${t.name}: its data file ${file} ${what}; ${ROLL_BACK}`, { cause: e });
    }
    return e;
  }

  async release(): Promise<void> {
    for (const view of this.views.splice(0)) {
      await this.engine.run(`DROP VIEW IF EXISTS ${view}`).catch(() => undefined);
    }
  }
}

/** The schema a read sees: the current one, or the snapshot's for time travel. */
export function selectedSchema(m: TableMetadata, selector: SnapshotSelector, name?: string): Schema {
  if (selector.kind === 'current') return currentSchema(m);
  const snapshot = selector.kind === 'version' ? snapshotById(m, selector.snapshotId, name) : snapshotAsOf(m, selector.ms, name);
  const id = snapshot['schema-id'];
  return id !== undefined && m.schemas.some((s) => s['schema-id'] === id) ? schemaById(m, id) : currentSchema(m);
}

/** DuckDB's words for a data file that is gone or is not (whole) Parquet. */
const DATA_FILE_FAULT = /No such file|No files found that match|No magic bytes|too small to be a Parquet file|Parquet|parquet|Corrupt|Invalid Input Error|IO Error/;

function readOnly(namespace: string, name: string): InvalidInput {
  return new InvalidInput(`query: ${namespace}.${name} is an external table (crawled); it is read-only`);
}

function sameName(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function resolveColumn(
  names: string[],
  schema: Schema,
  namespace: string,
  table: string,
  qualifier: string,
  single: boolean,
): ColumnInfo | undefined {
  let col: string | undefined;
  if (names.length === 1 && single) col = names[0];
  else if (names.length === 2 && sameName(names[0]!, qualifier)) col = names[1];
  else if (names.length === 3 && qualifier === table && sameName(names[0]!, namespace) && sameName(names[1]!, table)) col = names[2];
  if (col === undefined) return undefined;
  const field = schema.fields.find((f) => f.name === col) ?? schema.fields.find((f) => sameName(f.name, col));
  return field && typeof field.type === 'string' ? { name: field.name, type: field.type } : undefined;
}
