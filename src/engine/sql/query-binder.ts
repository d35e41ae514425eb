/**
 * Binds a checked SELECT to catalog tables: loads each referenced table, plans its files with the
 * WHERE conjuncts that apply to it, creates a relation of its own per table (and per time-travel
 * snapshot) under a name private to this statement (`silt_bind_<statement>_<n>`), and rewrites the
 * statement to read those. Statements bound so run side by side on one database, whatever they
 * read: no two share a name. The access policy decides what each relation holds.
 */
import { Cancelled, EnvironmentFault, InvalidInput, LimitExceeded, NotFound } from '../../errors.js';
import { currentSchema, ROLL_BACK, schemaById, snapshotAsOf, snapshotById, viewSchema, type Expr, type Schema, type Table, type TableMetadata } from '../../table/index.js';
import {
  analyzeQuery,
  dropCatalogNames,
  foldConstants,
  applyGrant,
  currentScan,
  type Engine,
  execSql,
  grantFor,
  isWholeGrant,
  OWNER_ACCESS,
  type QueryAnalysis,
  quoteIdent,
  type ReadAccess,
  type ReadGrant,
  renameTables,
  scanSql,
  type TableScope,
  walk,
} from '../core/index.js';
import { anyOf, whereToExpr, type ColumnInfo } from './predicate.js';
import { externalScanSql, type ExternalTableDef } from './external-scan.js';
import { loadForQuery, type TableResolver } from './table-resolver.js';
import type { SnapshotSelector, TimeTravelRef } from './time-travel.js';
import { describeQuery } from './describe-query.js';
import { rewriteTrinoForms } from './trino-forms.js';
import { dialectsOf, prepareSelect, runnableRepresentations, viewCatalogNames, type PreparedQuery } from './view-sql.js';

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
  /** A table whose relation the caller creates itself (DML targets); its filter and name are returned. */
  target?: { namespace: string; name: string };
}

export interface Bound {
  /** The statement, reading the private relations. */
  sql: string;
  /** The WHERE conjuncts that apply to the target (`true` without one). */
  targetFilter: Expr;
  /** The private name the statement reads the target by; the caller creates it (`createViewSql`). */
  targetView: string;
}

export interface BinderOptions {
  /** Who reads, and the policy that says what. Default: the owner, allowed everything. */
  access?: ReadAccess;
  /** Refuse, before reading, a statement whose pruned files add up to more bytes than this. */
  maxBytesScanned?: number;
  /** The connection is the statement's own and closes with it: its relations are TEMP views that go with it, not dropped one by one. */
  ownConnection?: boolean;
  /** Athena's (Trino's) forms take Trino's meaning (trino-forms.ts); a view's SQL always does. */
  trinoForms?: boolean;
}

interface Group {
  namespace: string;
  table: string;
  view: string;
  selector: SnapshotSelector;
  filters: Expr[];
  grant: ReadGrant;
  external?: ExternalTableDef;
  /** The grant filters or masks what the table holds: its relation is materialized (see createGoverned). */
  governed?: boolean;
}

let statements = 0;

export class QueryBinder {
  readonly stats = emptyScanStats();
  private readonly tables = new Map<string, Table>();
  private readonly views: string[] = [];
  private readonly governedTables: string[] = [];
  /** Columns of each table bound (`ns.t` lower case), and the column names statements named. */
  private readonly boundColumns = new Map<string, readonly string[]>();
  private readonly namedColumns = new Set<string>();
  private star = false;
  /** Private relation name per `ns.t` (lower case) as the statement names it. */
  private readonly names = new Map<string, string>();
  private readonly id = ++statements;
  private readonly access: ReadAccess;
  /** Binders of the views this statement reads, each over the view's own SQL. */
  private readonly children: QueryBinder[] = [];
  /** Whether `ns.t` (lower case) names a view. */
  private readonly isView = new Map<string, boolean>();

  constructor(
    private readonly engine: Engine,
    private readonly resolver: TableResolver,
    private readonly timeTravel: ReadonlyMap<string, TimeTravelRef> = new Map(),
    private readonly options: BinderOptions = {},
    /** The views being expanded around this binder (`ns.v`, lower case), to refuse one that reads itself. */
    private readonly viewChain: readonly string[] = [],
  ) {
    this.access = options.access ?? OWNER_ACCESS;
  }

  async table(namespace: string, name: string): Promise<Table> {
    const key = `${namespace}.${name}`;
    let t = this.tables.get(key);
    if (!t) {
      try {
        t = await loadForQuery(this.resolver, namespace, name);
      } catch (e) {
        if (e instanceof NotFound && (await this.external(namespace, name))) throw readOnly(namespace, name);
        if (e instanceof NotFound && (await this.resolver.views?.exists(namespace, name))) {
          throw new InvalidInput(`query: ${namespace}.${name} is a view; a view cannot be written to or altered (write to the tables it reads, or change it with CREATE OR REPLACE VIEW)`, {
            details: { table: `${namespace}.${name}` },
          });
        }
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

  /** The private relation name for `ns.t` as the statement names it. */
  private nameFor(namespace: string, table: string): string {
    const key = `${namespace}.${table}`.toLowerCase();
    let name = this.names.get(key);
    if (!name) {
      name = `silt_bind_${this.id}_${this.names.size}`;
      this.names.set(key, name);
    }
    return name;
  }

  /** Binds every table the query reads and returns the query rewritten to read them. */
  async bind(query: string, options: BindOptions = {}): Promise<Bound> {
    const analysis = await analyzeQuery(this.engine, query);
    this.noteColumns(analysis);
    const groups = new Map<string, Group>();
    const scopesByRef = new Map<unknown, TableScope>();
    for (const scope of analysis.scopes.values()) scopesByRef.set(scope.ref, scope);
    for (const where of new Set([...analysis.scopes.values()].map((s) => s.where))) await foldConstants(this.engine, where);
    let targetFilters: Expr[] = [];
    let targetView = '';
    const boundViews = new Set<string>();
    for (const ref of analysis.refs) {
      const travel = this.timeTravel.get(`${ref.namespace}.${ref.table}`.toLowerCase());
      const table = travel?.table ?? ref.table;
      const selector = travel?.selector ?? { kind: 'current' };
      const key = `${ref.namespace}.${ref.table}`.toLowerCase();
      const view = this.nameFor(ref.namespace, ref.table);
      if (await this.viewNamed(ref.namespace, table)) {
        if (travel) throw new InvalidInput(`query: ${ref.namespace}.${table} is a view; it has no snapshots to travel to (time travel inside the view's SQL instead)`);
        if (!boundViews.has(key)) await this.bindView(ref.namespace, table, view);
        boundViews.add(key);
        continue;
      }
      const external = await this.external(ref.namespace, table);
      if (external) {
        if (travel) throw new InvalidInput(`query: ${ref.namespace}.${table} is an external table (crawled); it has no snapshots to travel to`);
        if (options.target && sameName(options.target.namespace, ref.namespace) && sameName(options.target.name, ref.table)) {
          throw readOnly(ref.namespace, ref.table);
        }
        const columns = external.columns.map((c) => c.name);
        this.boundColumns.set(key, columns);
        const grant = await grantFor(this.access, { namespace: ref.namespace, name: table, columns });
        groups.set(key, { namespace: ref.namespace, table, view, selector, filters: [], grant, external });
        continue;
      }
      const t = await this.table(ref.namespace, table);
      const schema = selectedSchema(t.metadata, selector, `${ref.namespace}.${table}`);
      const columns = schema.fields.map((f) => f.name);
      this.boundColumns.set(key, columns);
      const grant = groups.get(key)?.grant ?? (await this.grantAt(ref.namespace, table, t.metadata, schema, selector));
      const scope = scopesByRef.get(ref);
      const shared = scope ? await this.siblingColumns(scope, analysis) : new Set<string>();
      // A masked or hidden column's filter is not pushed: the files hold the values it hides. Under a
      // row filter nothing is: which files a predicate prunes would tell of rows the filter hides.
      const plain = (names: string[]): ColumnInfo | undefined => {
        if (names.length === 1 && (shared.has(names[0]!.toLowerCase()) || shared.has(ANY_COLUMN))) return undefined;
        const col = resolveColumn(names, schema, ref.namespace, ref.table, ref.qualifier);
        return col && grant.masks?.[col.name] === undefined && (!grant.columns || grant.columns.includes(col.name)) ? col : undefined;
      };
      const filter = scope && scope.prunable && !ref.renamed && !grant.rowFilter ? whereToExpr(scope.where, plain) : { op: 'true' as const };
      const isTarget =
        options.target !== undefined && !travel &&
        sameName(options.target.namespace, ref.namespace) && sameName(options.target.name, ref.table);
      if (isTarget) {
        if (!isWholeGrant(grant, columns)) {
          throw new InvalidInput(`query: ${this.access.principal.kind} ${this.access.principal.name} reads ${ref.namespace}.${table} through a filter or mask, so may not change it`);
        }
        targetFilters.push(filter);
        targetView = view;
        continue;
      }
      const group = groups.get(key) ?? { namespace: ref.namespace, table, view, selector, filters: [], grant };
      group.filters.push(filter);
      groups.set(key, group);
    }
    const scans: [Group, string][] = [];
    for (const g of groups.values()) scans.push([g, await this.scan(g)]);
    const limit = this.options.maxBytesScanned;
    if (limit !== undefined && this.stats.bytes_scanned > limit) {
      throw new LimitExceeded(`query: the statement would scan ${this.stats.bytes_scanned} bytes, more than its limit of ${limit} bytes scanned; narrow its WHERE or raise the limit`);
    }
    for (const [g, sql] of scans) {
      if (g.governed) await this.createGoverned(g, sql);
      else await this.createViewSql(g.view, sql);
    }
    if (targetFilters.length === 0) targetFilters = [{ op: 'true' }];
    return { sql: await this.render(analysis, query), targetFilter: anyOf(targetFilters), targetView };
  }

  /** Columns (lower-cased) of the other base tables in the scope's FROM, as their current schemas name them. */
  private async siblingColumns(scope: TableScope, analysis: QueryAnalysis): Promise<Set<string>> {
    const out = new Set<string>();
    for (const node of scope.siblings) {
      const other = analysis.scopes.get(node)?.ref;
      if (!other || other === scope.ref) continue;
      const table = this.timeTravel.get(`${other.namespace}.${other.table}`.toLowerCase())?.table ?? other.table;
      // A view's columns are its query's: no unqualified name is attributed beside one.
      if (await this.viewNamed(other.namespace, table)) return new Set([ANY_COLUMN]);
      const external = await this.external(other.namespace, table);
      const names = external
        ? external.columns.map((c) => c.name)
        : currentSchema((await this.table(other.namespace, table)).metadata).fields.map((f) => f.name);
      for (const n of names) out.add(n.toLowerCase());
    }
    return out;
  }

  /** The tables bound so far and the columns of theirs the statements named (all of a table read with `*`). */
  touched(): { tables: string[]; columns: string[] } {
    const columns: string[] = [];
    for (const [table, names] of this.boundColumns) {
      for (const c of names) if (this.star || this.namedColumns.has(c.toLowerCase())) columns.push(`${table}.${c}`);
    }
    return { tables: [...this.boundColumns.keys()], columns };
  }

  private noteColumns(analysis: QueryAnalysis): void {
    walk(JSON.parse(analysis.json), (node) => {
      if (node['class'] === 'STAR') this.star = true;
      if (node['class'] === 'COLUMN_REF') {
        const names = node['column_names'] as string[] | undefined;
        if (names?.length) this.namedColumns.add(String(names[names.length - 1]).toLowerCase());
      }
    });
  }

  /** Whether `ns.name` is a view (no table has the name). */
  private async viewNamed(namespace: string, name: string): Promise<boolean> {
    const views = this.resolver.views;
    if (!views) return false;
    const key = `${namespace}.${name}`.toLowerCase();
    let is = this.isView.get(key);
    if (is === undefined) {
      is = !this.tables.has(`${namespace}.${name}`) && !(await this.resolver.tableExists(namespace, name)) && (await views.exists(namespace, name));
      this.isView.set(key, is);
    }
    return is;
  }

  /**
   * Binds the view `ns.name` as the private relation `relation`: its SQL (the first representation
   * Silt can run) is bound by a binder of its own with this statement's principal and policy, so
   * each table it reads is read as the querying principal may read it (invoker's rights).
   */
  private async bindView(namespace: string, name: string, relation: string): Promise<void> {
    const label = `${namespace}.${name}`;
    const key = label.toLowerCase();
    if (this.viewChain.includes(key)) throw new InvalidInput(`query: view ${label} reads itself (${[...this.viewChain, key].join(' → ')}); redefine one of them`, { details: { table: label } });
    const stored = await this.resolver.views!.find(namespace, name);
    if (!stored) throw new NotFound(`query: no view ${label}`, { code: 'view_not_found', details: { table: label } });
    let prepared: PreparedQuery | undefined;
    let why = '';
    for (const rep of runnableRepresentations(stored.metadata)) {
      try {
        const p = prepareSelect(rep.sql, `view ${label}`);
        p.sql = await dropCatalogNames(this.engine, p.sql, viewCatalogNames(stored.metadata));
        await analyzeQuery(this.engine, p.sql);
        prepared = p;
        break;
      } catch (e) {
        why ||= ` (${rep.dialect}: ${(e as Error).message.replace(/^query: /, '')})`;
      }
    }
    if (!prepared) {
      throw new InvalidInput(`query: view ${label} has no SQL Silt can run: its representations are ${dialectsOf(stored.metadata)}${why}; Silt runs silt, trino, presto, athena or spark SQL that DuckDB parses`, {
        details: { table: label },
      });
    }
    const child = this.forView(prepared.refs, key);
    try {
      const bound = await child.bind(prepared.sql);
      for (const k of Object.keys(this.stats) as (keyof ScanStats)[]) this.stats[k] += child.stats[k];
      await this.createViewSql(relation, bound.sql);
      const now = (await describeQuery(this.engine, `SELECT * FROM ${quoteIdent(relation)}`)).map((c) => c.name);
      const made = viewSchema(stored.metadata).fields.map((f) => f.name);
      if (now.map((n) => n.toLowerCase()).join('\u0000') !== made.map((n) => n.toLowerCase()).join('\u0000')) {
        throw new InvalidInput(`its SQL now gives the columns (${now.join(', ')}), but the view was made with (${made.join(', ')})`);
      }
    } catch (e) {
      throw viewFailed(label, e);
    }
  }

  /** A binder for the SQL of view `key` (`ns.v`, lower case), with this one's principal and policy; released with it. */
  forView(refs: ReadonlyMap<string, TimeTravelRef>, key: string): QueryBinder {
    const child = new QueryBinder(this.engine, this.resolver, refs, { ...this.options, maxBytesScanned: undefined, trinoForms: true }, [...this.viewChain, key]);
    this.children.push(child);
    return child;
  }

  /** Another statement over the tables `bind` bound (a DML's later steps), rewritten the same way. */
  async rewrite(query: string): Promise<string> {
    const analysis = await analyzeQuery(this.engine, query);
    for (const ref of analysis.refs) {
      if (!this.names.has(`${ref.namespace}.${ref.table}`.toLowerCase())) throw new Error(`query: ${ref.namespace}.${ref.table} was not bound`);
    }
    return this.render(analysis, query);
  }

  /** The statement reading the private relations; one that reads no catalog table runs as written. */
  private async render(analysis: QueryAnalysis, query: string): Promise<string> {
    const renamed = await renameTables(this.engine, analysis.json, (ref) => this.nameFor(ref.namespace, ref.table), 'query', this.options.trinoForms ? (ast) => rewriteTrinoForms(ast, query) : undefined);
    return renamed ?? query;
  }

  /** SQL for one group's relation; counts what it reads. */
  private async scan(g: Group): Promise<string> {
    if (g.external) {
      const bytes = g.external.files.reduce((n, f) => n + f.size, 0);
      this.stats.files_total += g.external.files.length;
      this.stats.files_scanned += g.external.files.length;
      this.stats.bytes_total += bytes;
      this.stats.bytes_scanned += bytes;
      g.governed = !isWholeGrant(g.grant, g.external.columns.map((c) => c.name));
      return applyGrant(externalScanSql(g.external), g.grant, g.external.columns.map((c) => c.name));
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
    g.governed = !isWholeGrant(g.grant, schema.fields.map((f) => f.name));
    return scanSql(currentScan(t.metadata, `${g.namespace}.${g.table}`, plan.files, schema), this.resolver.store, { grant: g.grant });
  }

  /**
   * The grant of `ns.t` as its current columns are named. A time-travelled read of a filtered or
   * masked table is refused when that snapshot's columns are not the current ones by name (renamed
   * or since dropped): the policy names current columns, and a renamed one would slip past it.
   */
  private async grantAt(namespace: string, table: string, m: TableMetadata, schema: Schema, selector: SnapshotSelector): Promise<ReadGrant> {
    const current = currentSchema(m);
    const names = current.fields.map((f) => f.name);
    const grant = await grantFor(this.access, { namespace, name: table, columns: names });
    if (selector.kind === 'current' || isWholeGrant(grant, names)) return grant;
    for (const f of schema.fields) {
      const now = current.fields.find((c) => c.id === f.id);
      if (now?.name !== f.name) {
        throw new InvalidInput(
          `query: ${namespace}.${table} is read through an access policy for ${this.access.principal.kind} ${this.access.principal.name}, and its column ${f.name} of that snapshot ${now ? `is now named ${now.name}` : 'has since been dropped'}; time travel there is not open to you`,
        );
      }
    }
    return grant;
  }

  /**
   * A filtered or masked table as a table of only what the grant shows, made before the user's
   * statement runs: the statement's predicates can then neither be evaluated on hidden rows nor
   * on unmasked values (DuckDB would push them under the filter, and a failing CAST would quote
   * a hidden value). A failure is told without DuckDB's words, which may quote such a value.
   */
  private async createGoverned(g: Group, sql: string): Promise<void> {
    const name = quoteIdent(g.view);
    this.governedTables.push(name);
    try {
      await this.engine.run(`CREATE OR REPLACE ${this.options.ownConnection ? 'TEMP ' : ''}TABLE ${name} AS ${sql}`);
    } catch (e) {
      const fault = this.fileFault(e);
      if (fault !== e) throw fault;
      if (/^(Out of Memory|INTERRUPT|Interrupt)/i.test(e instanceof Error ? e.message : '')) throw e;
      const who = `${this.access.principal.kind} ${this.access.principal.name}`;
      throw new InvalidInput(`query: ${g.namespace}.${g.table} could not be read through the access policy for ${who}: its row filter or a column mask fails on the table's values; the policy's author must fix it`);
    }
  }

  /** Creates the private view `name`; dropped again by release(). */
  async createViewSql(name: string, sql: string): Promise<void> {
    const view = quoteIdent(name);
    this.views.push(view);
    await execSql(this.engine, `CREATE OR REPLACE ${this.options.ownConnection ? 'TEMP ' : ''}VIEW ${view} AS ${sql}`, 'query');
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
    for (const t of this.allTables()) {
      const dir = store.enginePath(store.keyOf(t.metadata.location)) + '/';
      const at = first.indexOf(dir);
      if (at < 0) continue;
      const file = /^[^"'\s]+/.exec(first.slice(at))![0];
      const what = /No such file|No files found/.test(first) ? 'is missing' : `is damaged (${first.replace(/^(query: )?/, '')})`;
      return new EnvironmentFault(`query: table ${t.name}: its data file ${file} ${what}; ${ROLL_BACK}`, { cause: e });
    }
    return e;
  }

  private *allTables(): Generator<Table> {
    yield* this.tables.values();
    for (const c of this.children) yield* c.allTables();
  }

  async release(): Promise<void> {
    for (const c of this.children.splice(0)) await c.release();
    const views = this.views.splice(0);
    const tables = this.governedTables.splice(0);
    if (this.options.ownConnection) return;
    for (const view of views) {
      await this.engine.run(`DROP VIEW IF EXISTS ${view}`).catch(() => undefined);
    }
    for (const table of tables) {
      await this.engine.run(`DROP TABLE IF EXISTS ${table}`).catch(() => undefined);
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

/** A view's SQL that no longer binds, as an error naming the view (faults of files and limits stay as they are). */
function viewFailed(label: string, e: unknown): unknown {
  if (e instanceof EnvironmentFault || e instanceof LimitExceeded || e instanceof Cancelled) return e;
  const inner = (e instanceof Error ? e.message : String(e)).replace(/^query: /, '');
  const text = `query: view ${label} no longer runs: ${inner}; redefine it with CREATE OR REPLACE VIEW ${label} AS …`;
  const options = { cause: e, details: { table: label } };
  return e instanceof NotFound ? new NotFound(text, options) : new InvalidInput(text, options);
}

function readOnly(namespace: string, name: string): InvalidInput {
  return new InvalidInput(`query: ${namespace}.${name} is an external table (crawled); it is read-only`);
}

/** Stands for every name in a set of sibling columns (not a column name: it has a space). */
const ANY_COLUMN = 'any column';

function sameName(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function resolveColumn(
  names: string[],
  schema: Schema,
  namespace: string,
  table: string,
  qualifier: string,
): ColumnInfo | undefined {
  let col: string | undefined;
  // An unqualified name is this table's when the table has the column: SQL binds a name to the
  // innermost FROM that has it, and a name two tables of one FROM share is an error in DuckDB.
  if (names.length === 1) col = names[0];
  else if (names.length === 2 && sameName(names[0]!, qualifier)) col = names[1];
  else if (names.length === 3 && qualifier === table && sameName(names[0]!, namespace) && sameName(names[1]!, table)) col = names[2];
  if (col === undefined) return undefined;
  const field = schema.fields.find((f) => f.name === col) ?? schema.fields.find((f) => sameName(f.name, col));
  return field && typeof field.type === 'string' ? { name: field.name, type: field.type } : undefined;
}
