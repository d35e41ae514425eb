/**
 * SQL written for Silt (DuckDB's dialect, or the common core both engines read) spelled for Trino,
 * with DuckDB's meaning kept: DuckDB parses it, the parse tree is adjusted where the two engines
 * differ, DuckDB prints it back, and the few spellings DuckDB's printer has and Trino lacks are
 * replaced in the text. What Trino has no form for is refused, naming it, so a model can say
 * `-- silt: dialect = trino` and be written in Trino's own SQL instead.
 */
import { InvalidInput } from '../../errors.js';
import { type AstNode, type Engine, parseAst, renderAst, serializeSql, walk } from '../core/index.js';
import { tokenize, type Token } from './sql-tokens.js';
import { PORTABLE_FUNCTIONS, PORTABLE_TYPES, TRINO_ARITY } from './view-sql.js';

/** A marker call the printer leaves for `x AT TIME ZONE z`, which DuckDB prints as timezone(z, x). */
const AT_ZONE = 'silt_trino_at_time_zone';
/** A marker call around a DOUBLE cast to DECIMAL(p, s), its name ending in s. */
const EXACT_DECIMAL = 'silt_trino_exact_decimal_';

/** DuckDB-only types with a Trino type of the same values. */
const TYPES: Record<string, string> = { HUGEINT: 'DECIMAL(38,0)', FLOAT: 'REAL', BLOB: 'VARBINARY' };

/**
 * `sql` (one SELECT, for Silt) as Trino SQL giving the same rows and types: `/` and avg() in
 * DOUBLE (DuckDB divides and averages integers and decimals as doubles) and cast from it to a
 * DECIMAL rounding the double's binary value as DuckDB does, timestamps with their
 * six fractional digits, DuckDB's timezone(z, ts) as a local timestamp in zone z. `what` names
 * the SQL in messages (a model's file).
 */
export async function toTrinoSql(engine: Engine, sql: string, what: string): Promise<string> {
  const ast = parseAst(await serializeSql(engine, sql, what));
  if (ast['error']) throw new InvalidInput(`${what}: ${String(ast['error_message'] ?? 'DuckDB cannot parse it')}`);
  const statements = ast['statements'] as AstNode[];
  if (statements.length !== 1) throw new InvalidInput(`${what}: must be a single SELECT`);
  walk(statements, (node) => {
    const blocker = notForTrino(node);
    if (blocker) throw new InvalidInput(`${what}: ${blocker} has no Trino form Silt writes; write the model in Trino's SQL with \`-- silt: dialect = trino\``);
  });
  walk(statements, (node) => {
    if (node['class'] === 'CAST') {
      const child = node['child'] as AstNode;
      const type = node['cast_type'] as { id?: string; type_info?: { scale?: number } | null };
      const fn = child['class'] === 'FUNCTION' ? String(child['function_name']).toLowerCase() : '';
      if (type.id === 'DECIMAL' && (fn === '/' || fn === 'avg')) {
        node['child'] = { class: 'FUNCTION', type: 'FUNCTION', alias: '', query_location: child['query_location'], function_name: `${EXACT_DECIMAL}${type.type_info?.scale ?? 0}`, schema: '', children: [child], filter: null, order_bys: { type: 'ORDER_MODIFIER', orders: [] }, distinct: false, is_operator: false, export_state: false, catalog: '' };
      }
      return;
    }
    if (node['class'] !== 'FUNCTION') return;
    const name = String(node['function_name']).toLowerCase();
    const children = node['children'] as AstNode[];
    node['schema'] = '';
    if (name === '/' && children.length === 2) children[0] = toDouble(children[0]!);
    else if (name === 'avg' && children.length === 1) children[0] = toDouble(children[0]!);
    else if (name === 'timezone' && children.length === 2) {
      node['function_name'] = AT_ZONE;
      node['children'] = [children[1], children[0]];
    }
  });
  return respell(await renderAst(engine, ast, what));
}

/** What in this parse-tree node Trino cannot run as Silt means it; undefined when it can. */
function notForTrino(node: AstNode): string | undefined {
  const type = node['type'];
  if (type === 'FUNCTION' || node['class'] === 'FUNCTION') {
    const fn = String(node['function_name']).toLowerCase();
    if (fn === 'count_star' || fn === 'timezone' || /^to_(years|months|weeks|days|hours|minutes|seconds)$/.test(fn)) return undefined;
    const arity = TRINO_ARITY[fn];
    if (!PORTABLE_FUNCTIONS.has(fn)) return `the function ${fn}()`;
    if (arity !== undefined && (node['children'] as unknown[]).length !== arity) return `${fn}() with ${(node['children'] as unknown[]).length} arguments`;
    return undefined;
  }
  if (type === 'LAMBDA') return 'a lambda';
  if (type === 'POSITIONAL_REFERENCE') return 'a positional reference (#n)';
  if (type === 'TABLE_FUNCTION') return `the table function ${String((node['function'] as AstNode | undefined)?.['function_name'] ?? '')}()`;
  if (type === 'PIVOT') return 'PIVOT';
  if (type === 'COLLATE') return 'COLLATE';
  if (type === 'STAR' && ((node['exclude_list'] as unknown[] | undefined)?.length || (node['replace_list'] as unknown[] | undefined)?.length || node['columns'])) return 'SELECT * EXCLUDE/REPLACE/COLUMNS';
  if (type === 'SELECT_NODE' && node['qualify']) return 'QUALIFY';
  if (type === 'SELECT_NODE' && node['aggregate_handling'] && node['aggregate_handling'] !== 'STANDARD_HANDLING') return 'GROUP BY ALL';
  if (node['class'] === 'CAST') {
    const t = String((node['cast_type'] as { id?: string } | undefined)?.id ?? '').replace(/_/g, ' ');
    if (!PORTABLE_TYPES.test(t) && !(t in TYPES)) return `a cast to ${t}`;
  }
  return undefined;
}

function toDouble(child: AstNode): AstNode {
  return { class: 'CAST', type: 'OPERATOR_CAST', alias: '', query_location: child['query_location'], child, cast_type: { id: 'DOUBLE', type_info: null }, try_cast: false };
}

/** DuckDB's printed spellings that Trino reads otherwise, replaced token by token. */
function respell(text: string): string {
  let out = text;
  for (let guard = 0; guard < 10_000; guard++) {
    const next = respellOnce(out);
    if (next === undefined) return out;
    out = next;
  }
  throw new Error('trino dialect: respelling did not settle');
}

/** The text with its first DuckDB-only spelling replaced; undefined when none is left. */
function respellOnce(text: string): string | undefined {
  const tokens = tokenize(text);
  for (const [i, t] of tokens.entries()) {
    const next = tokens[i + 1];
    const open = next?.kind === 'op' && next.value === '(';
    // "nullif"(…): DuckDB quotes function names that are keywords; Trino reads them as names only bare.
    if (t.kind === 'ident' && open && /^[a-z_][a-z0-9_]*$/.test(t.value)) return splice(text, t, t, t.value);
    if (t.kind === 'word' && open && t.value === 'COUNT_STAR' && tokens[i + 2]?.value === ')') return splice(text, t, tokens[i + 2]!, 'count(*)');
    if (t.kind === 'word' && open && t.value === AT_ZONE.toUpperCase()) {
      const { args, close } = callArgs(text, tokens, i + 1);
      return splice(text, t, close, `CAST((${args[0]}) AT TIME ZONE ${args[1]} AS TIMESTAMP(6))`);
    }
    // DuckDB rounds the double's binary value (81.615 is 81.6149…: 81.61); Trino its shortest decimal text (81.62).
    const exact = t.kind === 'word' && open ? /^SILT_TRINO_EXACT_DECIMAL_(\d+)$/.exec(t.value) : null;
    if (exact) {
      const { args, close } = callArgs(text, tokens, i + 1);
      return splice(text, t, close, `(round((${args[0]}) * 1e${exact[1]}) / 1e${exact[1]})`);
    }
    // Trino's TIMESTAMP is of milliseconds; Silt's (and Iceberg's) of microseconds.
    if (t.kind === 'word' && t.value === 'TIMESTAMP' && tokens[i - 1]?.value === 'AS' && !open) return splice(text, t, t, 'TIMESTAMP(6)');
    if (t.kind === 'word' && tokens[i - 1]?.value === 'AS' && TYPES[t.value] && !open) return splice(text, t, t, TYPES[t.value]!);
  }
  return undefined;
}

function splice(text: string, from: Token, to: Token, by: string): string {
  return text.slice(0, from.start) + by + text.slice(to.end);
}

/** The argument texts of the call whose `(` is tokens[open], and its `)` token. */
function callArgs(text: string, tokens: Token[], open: number): { args: string[]; close: Token } {
  const args: string[] = [];
  let depth = 0;
  let start = tokens[open]!.end;
  for (let j = open; j < tokens.length; j++) {
    const t = tokens[j]!;
    if (t.kind !== 'op') continue;
    if (t.value === '(') depth++;
    else if (t.value === ')' && --depth === 0) {
      args.push(text.slice(start, t.start).trim());
      return { args, close: t };
    } else if (t.value === ',' && depth === 1) {
      args.push(text.slice(start, t.start).trim());
      start = t.end;
    }
  }
  throw new Error('trino dialect: unbalanced call in printed SQL');
}
