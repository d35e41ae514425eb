/**
 * Reads a SELECT through DuckDB's own parser (`json_serialize_sql`) and checks what it touches:
 * catalog tables `ns.table` and CTEs only — no file paths, no file-reading table functions.
 */
import { isInteger, isSafeNumber, parse, stringify } from 'lossless-json';
import { InvalidInput } from '../../errors.js';
import type { Engine } from './duckdb.js';
import { serializeSql } from './sql-ast-json.js';
import { runSql } from './sql-errors.js';
import { quoteLiteral } from './sql-text.js';

export type AstNode = { [key: string]: unknown };

/** Table functions that read no files and are handy in queries. */
const ALLOWED_TABLE_FUNCTIONS = new Set(['range', 'generate_series', 'unnest']);

export interface BaseTableRef {
  namespace: string;
  table: string;
  /** The name columns are qualified with: the alias, else the table name. */
  qualifier: string;
  /** Column alias list `ns.t AS x(a, b)`: columns are renamed, so predicates are not pushed. */
  renamed: boolean;
  node: AstNode;
}

/** Where a base table sits in a SELECT: its WHERE applies to its rows if `prunable`. */
export interface TableScope {
  ref: BaseTableRef;
  where: AstNode | undefined;
  /** False on the null-extended side of an outer join, in positional/asof joins. */
  prunable: boolean;
  /** The base tables of the same FROM (this one included): an unqualified column two of them have is not attributed. */
  siblings: AstNode[];
}

export interface QueryAnalysis {
  refs: BaseTableRef[];
  scopes: Map<AstNode, TableScope>;
  /** DuckDB's JSON AST of the statement as it came, for `renameTables`. */
  json: string;
}

/** Parses one SELECT (DuckDB dialect) and returns its catalog table references and their WHERE scopes. */
/** DuckDB's JSON parse tree, with the 64-bit numbers it holds (query locations) kept exact. */
export function parseAst(json: string): AstNode {
  return parse(json, null, (n: string) => (isInteger(n) && !isSafeNumber(n) ? BigInt(n) : Number(n))) as AstNode;
}

export async function analyzeQuery(engine: Engine, sql: string): Promise<QueryAnalysis> {
  const json = await serializeSql(engine, sql, 'query');
  const ast = parseAst(json);
  if (ast['error']) {
    const type = String(ast['error_type'] ?? '');
    const message = String(ast['error_message'] ?? 'cannot parse');
    if (type === 'parser') throw new InvalidInput(`query: Parser Error: ${message}`);
    throw new InvalidInput(`query: ${message}`);
  }
  const statements = ast['statements'] as AstNode[];
  if (statements.length === 0) throw new InvalidInput('query: empty statement (only comments)');
  if (statements.length !== 1) throw new InvalidInput('query: run one statement at a time');

  const ctes = new Set<string>();
  const refs: BaseTableRef[] = [];
  const scopes = new Map<AstNode, TableScope>();
  walk(statements[0]!, (node) => {
    const cteMap = node['cte_map'] as { map?: { key: string }[] } | undefined;
    for (const entry of cteMap?.map ?? []) ctes.add(entry.key.toLowerCase());
  });
  walk(statements[0]!, (node) => {
    if (node['type'] === 'BASE_TABLE' && typeof node['table_name'] === 'string') {
      const ref = baseTable(node, ctes);
      if (ref) refs.push(ref);
    } else if (fileAccessIn(node)) {
      throw new InvalidInput(`query: ${fileAccessIn(node)}`);
    } else if (node['type'] === 'SELECT_NODE') {
      const from = node['from_table'] as AstNode | undefined;
      const where = (node['where_clause'] as AstNode | null) ?? undefined;
      const siblings: AstNode[] = [];
      if (from) collectScopes(from, true, (tableNode, prunable) => {
        siblings.push(tableNode);
        scopes.set(tableNode, { ref: undefined!, where, prunable, siblings });
      });
    }
  });
  for (const ref of refs) {
    const scope = scopes.get(ref.node);
    if (scope) scope.ref = ref;
  }
  for (const [node, scope] of scopes) if (!scope.ref) scopes.delete(node); // CTE references
  return { refs, scopes, json };
}

/** A table reference `namespace.table` as the parse tree holds it. */
export interface TableName {
  namespace: string;
  table: string;
}

/**
 * `json` (DuckDB's parse tree, from `serializeSql`) with each table reference `ns.t` (the i-th in
 * the tree, as `QueryAnalysis.refs` counts them) read from the relation `rename` names instead, a
 * name in the engine's default schema; a reference it gives no name stays. The reference keeps
 * the name its columns qualify it with (its alias, else its table name) and columns qualified
 * `ns.t.col` become `t.col`, so every column still binds. Rendered back to SQL by DuckDB, with
 * numbers exactly as parsed (lossless); undefined when no reference was renamed.
 */
export async function renameTables(
  engine: Engine,
  json: string,
  rename: (ref: TableName, i: number) => string | undefined,
  where = 'query',
  /** Another rewrite of the tree (Trino's forms, say); returns how many nodes it changed. */
  rewrite?: (statements: unknown) => number,
): Promise<string | undefined> {
  const ast = parse(json) as AstNode;
  const qualified = new Map<string, string>();
  let i = 0;
  let renamed = 0;
  walk(ast['statements'], (node) => {
    if (node['type'] !== 'BASE_TABLE' || typeof node['table_name'] !== 'string' || !node['schema_name'] || node['catalog_name']) return;
    const ref = { namespace: String(node['schema_name']), table: node['table_name'] };
    const to = rename(ref, i++);
    if (to === undefined) return;
    if (!node['alias']) {
      node['alias'] = ref.table;
      qualified.set(`${ref.namespace}.${ref.table}`.toLowerCase(), ref.table);
    }
    node['schema_name'] = '';
    node['table_name'] = to;
    renamed++;
  });
  if (rewrite) renamed += rewrite(ast['statements']);
  if (renamed === 0) return undefined;
  walk(ast, (node) => {
    const names = node['class'] === 'COLUMN_REF' ? (node['column_names'] as unknown[] | undefined) : undefined;
    if (!names || names.length < 3) return;
    const alias = qualified.get(`${String(names[0])}.${String(names[1])}`.toLowerCase());
    if (alias !== undefined) node['column_names'] = [alias, ...names.slice(2)];
  });
  return renderAst(engine, ast, where);
}

/**
 * `sql` with the catalog part of three-part table names `c.ns.t` dropped where `c` is one of
 * `catalogs` (lower case), as another engine's view names Silt's tables through its own name for
 * the catalog; rendered back by DuckDB. Unchanged when no name has such a part.
 */
export async function dropCatalogNames(engine: Engine, sql: string, catalogs: ReadonlySet<string>, where = 'query'): Promise<string> {
  const ast = parse(await serializeSql(engine, sql, where)) as AstNode;
  if (ast['error']) return sql;
  let dropped = 0;
  walk(ast['statements'], (node) => {
    if (node['type'] === 'BASE_TABLE' && node['catalog_name'] && catalogs.has(String(node['catalog_name']).toLowerCase())) {
      node['catalog_name'] = '';
      dropped++;
    }
  });
  if (dropped === 0) return sql;
  return renderAst(engine, ast, where);
}

function baseTable(node: AstNode, ctes: Set<string>): BaseTableRef | undefined {
  const table = String(node['table_name']);
  const schema = String(node['schema_name'] ?? '');
  const catalog = String(node['catalog_name'] ?? '');
  if (node['at_clause']) {
    throw new InvalidInput(`query: AT (…) is not supported on ${schema ? `${schema}.` : ''}${table}; write ${schema || 'ns'}.${table} FOR VERSION AS OF <snapshot-id> or FOR TIMESTAMP AS OF '<timestamp>'`);
  }
  if (catalog) throw new InvalidInput(`query: ${catalog}.${schema}.${table}: name tables as namespace.table`);
  if (!schema) {
    if (ctes.has(table.toLowerCase())) return undefined;
    const path = fileAccessIn(node);
    if (path) throw new InvalidInput(`query: ${path}`);
    throw new InvalidInput(`query: table ${table} needs its namespace: write namespace.${table}`);
  }
  const alias = String(node['alias'] ?? '');
  const renamed = ((node['column_name_alias'] as unknown[] | undefined) ?? []).length > 0;
  // Catalog names are lower-case; DuckDB's parse tree does not say whether a name was quoted, and
  // DuckDB itself resolves names regardless of case, so `TPCH.LINEITEM` reads tpch.lineitem.
  return { namespace: schema.toLowerCase(), table: table.toLowerCase(), qualifier: alias || table, renamed, node };
}

/** Visits the base tables directly in a FROM tree (not inside subqueries), with their prunability. */
function collectScopes(from: AstNode, prunable: boolean, visit: (node: AstNode, prunable: boolean) => void): void {
  if (from['type'] === 'BASE_TABLE') {
    visit(from, prunable);
    return;
  }
  if (from['type'] !== 'JOIN') return;
  const joinType = String(from['join_type'] ?? 'INNER');
  const refType = String(from['ref_type'] ?? 'REGULAR');
  const ordered = refType !== 'POSITIONAL';
  const left = prunable && ordered && (joinType === 'INNER' || joinType === 'LEFT' || joinType === 'SEMI' || joinType === 'ANTI');
  const right = prunable && ordered && refType !== 'ASOF' && (joinType === 'INNER' || joinType === 'RIGHT');
  collectScopes(from['left'] as AstNode, left, visit);
  collectScopes(from['right'] as AstNode, right, visit);
}

/**
 * Scalar functions that read the engine's settings or the process environment (the home and temp
 * directories, extension paths): user SQL has no business with them.
 */
const DENIED_FUNCTIONS = new Set(['current_setting', 'getvariable', 'getenv']);

/** Why an AST node reaches past catalog tables (a file-reading table function, a setting), else undefined. */
export function fileAccessIn(node: AstNode): string | undefined {
  if (node['type'] === 'TABLE_FUNCTION') {
    const fn = node['function'] as AstNode | undefined;
    const name = String(fn?.['function_name'] ?? '').toLowerCase();
    if (!ALLOWED_TABLE_FUNCTIONS.has(name)) return `table function ${name}() is not allowed: Silt SQL reads catalog tables (namespace.table) only`;
  }
  if (node['type'] === 'BASE_TABLE' && !node['schema_name'] && /[./\\:]/.test(String(node['table_name'] ?? ''))) {
    return `file paths are not allowed (${quoteLiteral(String(node['table_name']))}): Silt SQL reads catalog tables (namespace.table) only`;
  }
  if (node['class'] === 'FUNCTION' && DENIED_FUNCTIONS.has(String(node['function_name']).toLowerCase())) {
    return `${String(node['function_name'])}() is not allowed: it reads the engine's settings`;
  }
  return undefined;
}

/** Depth-first over every object in the AST. */
export function walk(node: unknown, visit: (node: AstNode) => void): void {
  if (Array.isArray(node)) {
    for (const item of node) walk(item, visit);
  } else if (node !== null && typeof node === 'object') {
    visit(node as AstNode);
    for (const value of Object.values(node)) walk(value, visit);
  }
}

/** A parse tree (from parseAst) as SQL text again, as DuckDB spells it. */
export async function renderAst(engine: Engine, ast: AstNode, where: string): Promise<string> {
  const rows = await runSql<{ s: string }>(engine, `SELECT json_deserialize_sql(${quoteLiteral(stringify(ast)!)}::JSON) AS s`, where);
  return rows[0]!.s;
}

/**
 * The error for a statement Silt does not run: DuckDB's syntax error when it is not valid SQL,
 * otherwise a refusal naming the statement.
 */
export async function rejectStatement(engine: Engine, sql: string, verb: string): Promise<never> {
  const ast = JSON.parse(await serializeSql(engine, sql, 'query')) as AstNode;
  if (ast['error'] && ast['error_type'] === 'parser') {
    throw new InvalidInput(`query: Parser Error: ${String(ast['error_message'])}`);
  }
  throw new InvalidInput(
    `query: ${verb} statements are not allowed: Silt SQL runs SELECT, CREATE TABLE, INSERT, UPDATE, DELETE, ALTER TABLE and DROP TABLE on catalog tables`,
  );
}
