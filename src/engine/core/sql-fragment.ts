/**
 * A piece of SQL a user wrote (a predicate, an expression, a type) checked by DuckDB's own parser
 * before Silt puts it into a statement: it must be exactly ONE expression (or one type), reach no
 * file, no table function and no engine setting. Only then is it embedded, in parentheses, so a `)`
 * in it cannot close Silt's own SQL and run what follows.
 */
import { InvalidInput } from '../../errors.js';
import type { Engine } from './duckdb.js';
import { assertFiniteNumbers } from './sql-ast-json.js';
import { fileAccessIn, walk, type AstNode } from './query-ast.js';
import { runSql } from './sql-errors.js';
import { quoteLiteral } from './sql-text.js';

export interface ExpressionOptions {
  /**
   * Subqueries may read catalog tables (`ns.table`): the caller binds the statement it builds
   * through the query binder, which checks every table it names. Default: no subqueries at all.
   */
  subqueries?: boolean;
}

/**
 * `text` as one parenthesised expression ready to embed, or InvalidInput naming `field`.
 * A trailing `-- comment` in the text ends at the newline before the closing parenthesis.
 */
export async function sqlExpression(engine: Engine, text: string, field: string, options: ExpressionOptions = {}): Promise<string> {
  const embedded = `(\n${text}\n)`;
  const expr = await oneSelectItem(engine, { plain: text, embedded, shown: text }, field, 'one SQL expression');
  if (!options.subqueries) {
    walk(expr, (node) => {
      if (node['class'] === 'SUBQUERY') refuse(field, 'one SQL expression', text, 'subqueries are not allowed here');
    });
  }
  return embedded;
}

/** Checks that `text` is one DuckDB type (nothing else) and returns it as written, ready for `CAST(x AS …)`. */
export async function sqlType(engine: Engine, text: string, field: string): Promise<string> {
  const trimmed = text.trim();
  const cast = await oneSelectItem(engine, { plain: `CAST(NULL AS ${trimmed})`, embedded: `CAST(NULL AS ${trimmed}\n)`, shown: text }, field, 'one type');
  const child = cast['child'] as AstNode | undefined;
  const value = child?.['value'] as { is_null?: boolean } | undefined;
  if (cast['class'] !== 'CAST' || cast['try_cast'] || child?.['class'] !== 'CONSTANT' || !value?.is_null) {
    refuse(field, 'one type', text, 'it is not a single type');
  }
  return trimmed;
}

/**
 * Parses `SELECT <plain>` and `SELECT <embedded>` in one go: both must be a bare SELECT of exactly
 * one unaliased item, and the same one (the parentheses changed nothing), with no file access in it.
 */
async function oneSelectItem(
  engine: Engine,
  { plain, embedded, shown }: { plain: string; embedded: string; shown: string },
  field: string,
  expected: string,
): Promise<AstNode> {
  const [row] = await runSql<{ a: string; b: string; blank: string }>(
    engine,
    `SELECT json_serialize_sql(${quoteLiteral(`SELECT ${plain}`)}) AS a, json_serialize_sql(${quoteLiteral(`SELECT ${embedded}`)}) AS b, json_serialize_sql('SELECT 1') AS blank`,
    field,
  );
  const original = shown;
  const a = JSON.parse(assertFiniteNumbers(row!.a, field)) as AstNode;
  if (a['error']) refuse(field, expected, original, String(a['error_message'] ?? 'it does not parse'));
  const b = JSON.parse(row!.b) as AstNode;
  if (b['error']) refuse(field, expected, original, 'it does not stand alone in parentheses');
  const item = bareItem(a, JSON.parse(row!.blank) as AstNode);
  if (!item) refuse(field, expected, original, 'it is not a single expression');
  if (item['alias']) refuse(field, expected, original, `it has an alias (${String(item['alias'])})`);
  if (item['class'] === 'STAR') refuse(field, expected, original, 'a * is not one expression');
  const again = bareItem(b, JSON.parse(row!.blank) as AstNode);
  if (!again || shape(again) !== shape(item)) refuse(field, expected, original, 'it does not stand alone in parentheses');
  walk(item, (node) => {
    const why = fileAccessIn(node);
    if (why) refuse(field, expected, original, why);
  });
  return item;
}

/** The one select item of a statement that is otherwise exactly `SELECT 1`, else undefined. */
function bareItem(ast: AstNode, blank: AstNode): AstNode | undefined {
  const statements = ast['statements'] as AstNode[];
  const blankStatement = (blank['statements'] as AstNode[])[0]!;
  if (statements.length !== 1) return undefined;
  const statement = statements[0]!;
  const node = statement['node'] as AstNode;
  if (node['type'] !== 'SELECT_NODE') return undefined;
  const list = node['select_list'] as AstNode[];
  if (list.length !== 1) return undefined;
  const rest = (s: AstNode): string => JSON.stringify({ ...s, node: { ...(s['node'] as AstNode), select_list: null } });
  return rest(statement) === rest(blankStatement) ? list[0] : undefined;
}

/** The AST without source positions. */
function shape(node: AstNode): string {
  return JSON.stringify(node, (key, value: unknown) => (key === 'query_location' ? undefined : value));
}

function refuse(field: string, expected: string, text: string, why: string): never {
  throw new InvalidInput(`${field}: expected ${expected}, found ${JSON.stringify(text)}: ${why}`);
}
