/**
 * WHERE clauses (DuckDB parser AST) as table/ filter expressions for file pruning. Only
 * `column op literal`, IN, BETWEEN, IS [NOT] NULL and AND/OR/NOT translate; anything else is
 * dropped from an AND or makes the whole filter 'true'. A filter may keep too many files, never
 * too few: when in doubt, it does not prune.
 */
import { coerceLiteral, type Expr, type IcebergType, type Literal, type PrimitiveType } from '../../table/index.js';
import { type AstNode, decimalParts, decimalText } from '../core/index.js';

export interface ColumnInfo {
  name: string;
  type: IcebergType;
}

/** Resolves a column reference's name parts to a column of the table being pruned. */
export type ColumnResolver = (names: string[]) => ColumnInfo | undefined;

type CmpOp = '=' | '!=' | '<' | '<=' | '>' | '>=';

const COMPARISONS: Record<string, CmpOp> = {
  COMPARE_EQUAL: '=',
  COMPARE_NOTEQUAL: '!=',
  COMPARE_LESSTHAN: '<',
  COMPARE_GREATERTHAN: '>',
  COMPARE_LESSTHANOREQUALTO: '<=',
  COMPARE_GREATERTHANOREQUALTO: '>=',
};
const FLIP: Record<CmpOp, CmpOp> = { '=': '=', '!=': '!=', '<': '>', '>': '<', '<=': '>=', '>=': '<=' };
const NEGATE: Record<CmpOp, CmpOp> = { '=': '!=', '!=': '=', '<': '>=', '>=': '<', '>': '<=', '<=': '>' };

export function whereToExpr(where: AstNode | undefined, resolve: ColumnResolver): Expr {
  if (!where) return { op: 'true' };
  return translate(where, resolve, false) ?? { op: 'true' };
}

/** OR of several filters on one table (a table referenced twice is scanned for both). */
export function anyOf(filters: Expr[]): Expr {
  if (filters.length === 0 || filters.some((f) => f.op === 'true')) return { op: 'true' };
  return filters.length === 1 ? filters[0]! : { op: 'or', args: filters };
}

/** `exact`: the result must be equivalent (needed under NOT); otherwise it may be weaker. */
function translate(node: AstNode, resolve: ColumnResolver, exact: boolean): Expr | undefined {
  const type = String(node['type']);
  const children = (node['children'] as AstNode[] | undefined) ?? [];
  if (type === 'CONJUNCTION_AND') {
    const args = children.map((c) => translate(c, resolve, exact));
    if (exact && args.some((a) => a === undefined)) return undefined;
    const kept = args.filter((a): a is Expr => a !== undefined);
    return kept.length === 0 ? undefined : kept.length === 1 ? kept[0] : { op: 'and', args: kept };
  }
  if (type === 'CONJUNCTION_OR') {
    const args = children.map((c) => translate(c, resolve, exact));
    return args.every((a) => a !== undefined) ? { op: 'or', args: args as Expr[] } : undefined;
  }
  if (type === 'OPERATOR_NOT') {
    const inner = children[0] && translate(children[0], resolve, true);
    return inner && negate(inner);
  }
  if (type in COMPARISONS) {
    return comparison(COMPARISONS[type]!, node['left'] as AstNode, node['right'] as AstNode, resolve);
  }
  if (type === 'COMPARE_BETWEEN') {
    const lo = comparison('>=', node['input'] as AstNode, node['lower'] as AstNode, resolve);
    const hi = comparison('<=', node['input'] as AstNode, node['upper'] as AstNode, resolve);
    if (lo && hi) return { op: 'and', args: [lo, hi] };
    return exact ? undefined : (lo ?? hi);
  }
  if (type === 'COMPARE_IN' || type === 'COMPARE_NOT_IN') {
    const col = column(children[0], resolve);
    if (!col || typeof col.type !== 'string') return undefined;
    const values: Literal[] = [];
    for (const c of children.slice(1)) {
      const v = literalFor(col.type, constant(c));
      if (v === undefined) return undefined;
      values.push(v);
    }
    if (type === 'COMPARE_IN') return { op: 'in', column: col.name, values };
    return { op: 'and', args: values.map((value) => ({ op: '!=', column: col.name, value })) };
  }
  if (type === 'OPERATOR_IS_NULL' || type === 'OPERATOR_IS_NOT_NULL') {
    const col = column(children[0], resolve);
    if (!col) return undefined;
    return { op: type === 'OPERATOR_IS_NULL' ? 'is-null' : 'not-null', column: col.name };
  }
  return undefined;
}

function comparison(op: CmpOp, left: AstNode, right: AstNode, resolve: ColumnResolver): Expr | undefined {
  let col = column(left, resolve);
  let lit = constant(right);
  if (!col) {
    col = column(right, resolve);
    lit = constant(left);
    op = FLIP[op];
  }
  if (!col || typeof col.type !== 'string') return undefined;
  const value = literalFor(col.type, lit);
  return value === undefined ? undefined : { op, column: col.name, value };
}

function negate(e: Expr): Expr | undefined {
  switch (e.op) {
    case 'and':
    case 'or': {
      const args = e.args.map(negate);
      if (args.some((a) => a === undefined)) return undefined;
      return { op: e.op === 'and' ? 'or' : 'and', args: args as Expr[] };
    }
    case 'in':
      return { op: 'and', args: e.values.map((value) => ({ op: '!=', column: e.column, value })) };
    case 'is-null':
      return { op: 'not-null', column: e.column };
    case 'not-null':
      return { op: 'is-null', column: e.column };
    case 'not':
      return e.arg;
    case 'true':
      return undefined;
    default:
      return { op: NEGATE[e.op], column: e.column, value: e.value };
  }
}

function column(node: AstNode | undefined, resolve: ColumnResolver): ColumnInfo | undefined {
  if (!node || node['class'] !== 'COLUMN_REF') return undefined;
  return resolve((node['column_names'] as string[]).map(String));
}

/** A constant as written: integers as bigint, decimals and typed literals as text. */
type Constant =
  | { kind: 'integer'; value: bigint }
  | { kind: 'decimal'; text: string }
  | { kind: 'float'; value: number }
  | { kind: 'string'; value: string }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'typed'; cast: string; text: string };

const INTEGER_TYPES = new Set(['TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'HUGEINT', 'UTINYINT', 'USMALLINT', 'UINTEGER', 'UBIGINT']);

function constant(node: AstNode | undefined): Constant | undefined {
  if (!node) return undefined;
  if (node['class'] === 'CONSTANT') {
    const v = node['value'] as { type: { id: string; type_info?: { scale?: number } | null }; is_null: boolean; value?: unknown };
    if (v.is_null) return undefined;
    const id = v.type.id;
    if (INTEGER_TYPES.has(id) && (typeof v.value === 'number' || typeof v.value === 'bigint')) {
      return { kind: 'integer', value: BigInt(v.value) };
    }
    if (id === 'DECIMAL' && (typeof v.value === 'number' || typeof v.value === 'bigint')) {
      return { kind: 'decimal', text: decimalText(BigInt(v.value), v.type.type_info?.scale ?? 0) };
    }
    if ((id === 'DOUBLE' || id === 'FLOAT') && typeof v.value === 'number') return { kind: 'float', value: v.value };
    if (id === 'VARCHAR' && typeof v.value === 'string') return { kind: 'string', value: v.value };
    if (id === 'BOOLEAN' && typeof v.value === 'boolean') return { kind: 'boolean', value: v.value };
    return undefined;
  }
  if (node['class'] === 'CAST' && !node['try_cast']) {
    const inner = constant(node['child'] as AstNode);
    const cast = String((node['cast_type'] as { id?: string } | undefined)?.id ?? '');
    if (inner?.kind === 'string') return { kind: 'typed', cast, text: inner.value };
    return undefined;
  }
  if (node['class'] === 'FUNCTION' && node['function_name'] === '-' && (node['children'] as unknown[]).length === 1) {
    const inner = constant((node['children'] as AstNode[])[0]);
    if (inner?.kind === 'integer') return { kind: 'integer', value: -inner.value };
    if (inner?.kind === 'float') return { kind: 'float', value: -inner.value };
    if (inner?.kind === 'decimal') return { kind: 'decimal', text: inner.text.startsWith('-') ? inner.text.slice(1) : `-${inner.text}` };
  }
  return undefined;
}

const TEMPORAL_CASTS: Partial<Record<PrimitiveType, string[]>> = {
  date: ['DATE'],
  time: ['TIME'],
  timestamp: ['DATE', 'TIMESTAMP'],
  timestamptz: ['DATE', 'TIMESTAMP', 'TIMESTAMP WITH TIME ZONE'],
  uuid: ['UUID'],
};

/** The literal to compare a column of `type` with, only when DuckDB compares them the same way. */
function literalFor(type: PrimitiveType, c: Constant | undefined): Literal | undefined {
  if (!c) return undefined;
  const ok = (lit: Literal): Literal | undefined => {
    try {
      const v = coerceLiteral(type, lit);
      return typeof v === 'number' || typeof v === 'bigint' || typeof v === 'string' || typeof v === 'boolean' ? v : lit;
    } catch {
      return undefined;
    }
  };
  if (type === 'int' || type === 'long') return c.kind === 'integer' ? ok(c.value) : undefined;
  if (type === 'double') {
    if (c.kind === 'integer' || c.kind === 'float') return ok(Number(c.kind === 'integer' ? c.value : c.value));
    if (c.kind === 'decimal') return ok(Number(c.text));
    return undefined;
  }
  if (type === 'float') return c.kind === 'integer' ? ok(Number(c.value)) : undefined;
  if (decimalParts(type)) {
    if (c.kind === 'integer') return ok(c.value.toString()) === undefined ? undefined : c.value.toString();
    if (c.kind === 'decimal') return ok(c.text) === undefined ? undefined : c.text;
    return undefined;
  }
  if (type === 'string') return c.kind === 'string' ? c.value : undefined;
  if (type === 'boolean') {
    if (c.kind === 'boolean') return c.value;
    if (c.kind === 'typed' && c.cast === 'BOOLEAN') {
      const t = c.text.trim().toLowerCase();
      return t === 't' || t === 'true' ? true : t === 'f' || t === 'false' ? false : undefined;
    }
    return undefined;
  }
  // A date against a midnight timestamp (`date '…' + interval '1' year` folds to one) compares as the date.
  if (type === 'date' && c.kind === 'typed' && (c.cast === 'TIMESTAMP' || c.cast === 'TIMESTAMP WITH TIME ZONE')) {
    const day = /^(\d{4}-\d{2}-\d{2})( 00:00:00)?$/.exec(c.text)?.[1];
    return day === undefined || c.cast !== 'TIMESTAMP' ? undefined : ok(day);
  }
  const casts = TEMPORAL_CASTS[type];
  if (casts) {
    if (c.kind === 'string' || (c.kind === 'typed' && casts.includes(c.cast))) {
      return ok(c.kind === 'string' ? c.value : c.text);
    }
  }
  return undefined;
}
