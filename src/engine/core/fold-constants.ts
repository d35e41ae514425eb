/**
 * Constant bounds folded before pruning: in `ts < date '1994-01-01' + interval '1' year` the bound
 * is an expression, which pruning (predicate.ts) cannot compare with a file's column bounds. Each
 * operand of a comparison, BETWEEN or IN that is built only from literals, casts and date
 * arithmetic is evaluated once by DuckDB and replaced, in the WHERE tree pruning reads (never in
 * the SQL that runs), by `CAST('<value>' AS <type>)`. Anything else is left as it is, so pruning
 * stays as cautious as before.
 */
import { stringify } from 'lossless-json';
import type { Engine } from './duckdb.js';
import { type AstNode, parseAst } from './query-ast.js';
import { serializeSql } from './sql-ast-json.js';
import { runSql } from './sql-errors.js';
import { quoteLiteral } from './sql-text.js';

/** Deterministic functions of constants: arithmetic and the interval makers `INTERVAL 'n' unit` parses to. */
const FOLDABLE = new Set(['+', '-', '*', 'trunc', 'to_years', 'to_months', 'to_weeks', 'to_days', 'to_hours', 'to_minutes', 'to_seconds', 'to_milliseconds', 'to_microseconds']);
const COMPARISONS = new Set(['COMPARE_EQUAL', 'COMPARE_NOTEQUAL', 'COMPARE_LESSTHAN', 'COMPARE_GREATERTHAN', 'COMPARE_LESSTHANOREQUALTO', 'COMPARE_GREATERTHANOREQUALTO']);
const OPERANDS: Record<string, string[]> = { COMPARE_BETWEEN: ['lower', 'upper'] };

export async function foldConstants(engine: Engine, where: AstNode | undefined): Promise<void> {
  if (!where) return;
  for (const { holder, key } of operands(where)) {
    const node = holder[key] as AstNode;
    if (node['class'] !== 'FUNCTION' || !foldable(node)) continue;
    const folded = await evaluate(engine, node);
    if (folded) holder[key] = folded;
  }
}

/** Places holding an operand that may be a bound: children of comparisons and IN, BETWEEN's bounds, under AND/OR/NOT. */
function operands(node: AstNode): { holder: Record<string | number, unknown>; key: string | number }[] {
  const type = String(node['type']);
  const children = (node['children'] as AstNode[] | undefined) ?? [];
  if (type === 'CONJUNCTION_AND' || type === 'CONJUNCTION_OR' || type === 'OPERATOR_NOT') return children.flatMap(operands);
  if (COMPARISONS.has(type)) return [{ holder: node, key: 'left' }, { holder: node, key: 'right' }];
  if (OPERANDS[type]) return OPERANDS[type].map((key) => ({ holder: node, key }));
  if (type === 'COMPARE_IN' || type === 'COMPARE_NOT_IN') return children.slice(1).map((_, i) => ({ holder: children as unknown as Record<number, unknown>, key: i + 1 }));
  return [];
}

function foldable(node: AstNode): boolean {
  if (node['class'] === 'CONSTANT') return true;
  if (node['class'] === 'CAST') return !node['try_cast'] && foldable(node['child'] as AstNode);
  if (node['class'] !== 'FUNCTION') return false;
  if (!FOLDABLE.has(String(node['function_name'])) || node['schema'] || node['filter'] || node['distinct']) return false;
  return ((node['children'] as AstNode[] | undefined) ?? []).every(foldable);
}

/** The value as `CAST('text' AS TYPE)`, or undefined when DuckDB cannot evaluate it (say an overflow): then nothing is folded. */
async function evaluate(engine: Engine, node: AstNode): Promise<AstNode | undefined> {
  try {
    const [expr] = await runSql<{ s: string }>(engine, `SELECT json_deserialize_sql(${quoteLiteral(stringify(await selectOf(engine, node))!)}::JSON) AS s`, 'query');
    const sql = `SELECT CAST(v AS VARCHAR) AS text, typeof(v) AS type FROM (${expr!.s}) AS __fold(v)`;
    const [row] = await runSql<{ text: string | null; type: string }>(engine, sql, 'query');
    if (!row || row.text === null) return undefined;
    return {
      class: 'CAST', type: 'OPERATOR_CAST', alias: '', query_location: node['query_location'],
      child: { class: 'CONSTANT', type: 'VALUE_CONSTANT', alias: '', value: { type: { id: 'VARCHAR', type_info: null }, is_null: false, value: row.text } },
      cast_type: { id: row.type, type_info: null }, try_cast: false,
    };
  } catch {
    return undefined;
  }
}

/** The parse tree of `SELECT NULL`, as each engine's DuckDB writes it (asked once per engine). */
const templates = new WeakMap<Engine, Promise<string>>();

/** `SELECT <node>` as DuckDB's parse tree: the tree of `SELECT NULL` with the node in its select list. */
async function selectOf(engine: Engine, node: AstNode): Promise<AstNode> {
  let template = templates.get(engine);
  if (!template) {
    templates.set(engine, (template = serializeSql(engine, 'SELECT NULL', 'query')));
    template.catch(() => templates.delete(engine)); // a failed ask is asked again next time
  }
  const tree = parseAst(await template) as unknown as { statements: { node: { select_list: unknown[] } }[] };
  tree.statements[0]!.node.select_list = [node];
  return tree as unknown as AstNode;
}
