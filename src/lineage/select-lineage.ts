import { parse, stringify } from 'lossless-json';
import { quoteLiteral, runSql, serializeSql, walk, type AstNode, type Engine } from '../engine/index.js';
import { sqlLineage, type SchemaOf, type SqlLineage } from './sql-lineage.js';

/**
 * Column lineage of one SELECT, parsed by DuckDB. A statement DuckDB cannot parse gives no columns
 * and a warning naming the parser's message.
 */
export async function selectLineage(engine: Engine, sql: string, schemaOf: SchemaOf, label: string): Promise<SqlLineage> {
  const json = await serializeSql(engine, sql, label).catch((e: unknown) => JSON.stringify({ error: true, error_message: e instanceof Error ? e.message : String(e) }));
  const ast = parse(json, null, (n: string) => Number(n)) as AstNode;
  const statements = (ast['statements'] as AstNode[] | undefined) ?? [];
  if (ast['error'] || statements.length !== 1) {
    const why = ast['error'] ? String(ast['error_message'] ?? 'cannot parse') : 'not one statement';
    return { columns: undefined, tables: [], rowInputs: [], warnings: [`${label}: ${why}; no lineage`] };
  }
  const statement = statements[0]!;
  const names = await expressionNames(engine, statement);
  return sqlLineage({
    statement,
    schemaOf,
    aggregates: await aggregateNames(engine),
    nameOf: (expr) => names.get(expr) ?? 'expr',
    label,
  });
}

const aggregatesByEngine = new WeakMap<Engine, Promise<Set<string>>>();

/** DuckDB's aggregate functions (with their aliases), asked once per engine. */
function aggregateNames(engine: Engine): Promise<Set<string>> {
  let names = aggregatesByEngine.get(engine);
  if (!names) {
    names = runSql<{ n: string }>(engine, `SELECT DISTINCT lower(function_name) AS n FROM duckdb_functions() WHERE function_type = 'aggregate'`, 'lineage').then(
      (rows) => new Set(rows.map((r) => r.n)),
    );
    aggregatesByEngine.set(engine, names);
  }
  return names;
}

/**
 * The names DuckDB gives unaliased select-list expressions (`sum(amount)`, `CAST(x AS DATE)`):
 * its own rendering of each expression, all in one statement.
 */
async function expressionNames(engine: Engine, statement: AstNode): Promise<Map<AstNode, string>> {
  const unnamed: AstNode[] = [];
  walk(statement, (node) => {
    if (node['type'] !== 'SELECT_NODE') return;
    for (const item of (node['select_list'] as AstNode[] | undefined) ?? []) {
      if (!item['alias'] && item['class'] !== 'COLUMN_REF' && item['class'] !== 'STAR') unnamed.push(item);
    }
  });
  const out = new Map<AstNode, string>();
  if (unnamed.length === 0) return out;
  const template = parse(await serializeSql(engine, 'SELECT 1', 'lineage')) as AstNode;
  const node = (template['statements'] as AstNode[])[0]!['node'] as AstNode;
  const texts = unnamed.map((expr) => {
    node['select_list'] = [expr];
    return `json_deserialize_sql(${quoteLiteral(stringify(template)!)}::JSON)`;
  });
  const rows = await runSql<Record<string, string>>(engine, `SELECT ${texts.map((t, i) => `${t} AS e${i}`).join(', ')}`, 'lineage');
  unnamed.forEach((expr, i) => out.set(expr, String(rows[0]![`e${i}`] ?? 'expr').replace(/^SELECT\s+/i, '')));
  return out;
}
