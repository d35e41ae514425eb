import { coerceLiteral, type Literal } from './literals.js';
import { findField } from './schema.js';
import type { PrimitiveType, Schema } from './types.js';

/** A row filter as the engine translates it; anything untranslatable becomes `true` (never prunes). */
export type Expr =
  | { op: 'and' | 'or'; args: Expr[] }
  | { op: 'not'; arg: Expr }
  | { op: '=' | '!=' | '<' | '<=' | '>' | '>='; column: string; value: Literal }
  | { op: 'in'; column: string; values: Literal[] }
  | { op: 'is-null' | 'not-null'; column: string }
  | { op: 'true' };

export type CompareOp = '=' | '!=' | '<' | '<=' | '>' | '>=';

/** A filter bound to field ids and typed values, with negations pushed down to the leaves. */
export type Bound =
  | { op: 'true' | 'false' }
  | { op: 'and' | 'or'; args: Bound[] }
  | { op: CompareOp; id: number; type: PrimitiveType; value: unknown }
  | { op: 'in' | 'not-in'; id: number; type: PrimitiveType; values: unknown[] }
  | { op: 'is-null' | 'not-null'; id: number; type: PrimitiveType };

export type BoundLeaf = Exclude<Bound, { op: 'true' | 'false' | 'and' | 'or' }>;
export type BoundCompare = Extract<Bound, { value: unknown }>;
export type BoundSet = Extract<Bound, { values: unknown[] }>;

export function isCompare(b: Bound): b is BoundCompare {
  return 'value' in b;
}

export function isSet(b: Bound): b is BoundSet {
  return 'values' in b;
}

const NEGATE: Record<CompareOp, CompareOp> = { '=': '!=', '!=': '=', '<': '>=', '<=': '>', '>': '<=', '>=': '<' };

/** Binds a filter to a schema. Unknown columns and literals that do not fit the column type bind to `true`. */
export function bindExpr(e: Expr, schema: Schema, negated = false): Bound {
  switch (e.op) {
    case 'true':
      return { op: 'true' };
    case 'not':
      return bindExpr(e.arg, schema, !negated);
    case 'and':
    case 'or': {
      const op = (e.op === 'and') !== negated ? 'and' : 'or';
      return simplify({ op, args: e.args.map((a) => bindExpr(a, schema, negated)) });
    }
    default: {
      const field = findField(schema.fields, e.column);
      if (!field || typeof field.type !== 'string') return { op: 'true' };
      const type = field.type;
      try {
        if (e.op === 'is-null' || e.op === 'not-null') {
          const op = (e.op === 'is-null') !== negated ? 'is-null' : 'not-null';
          return { op, id: field.id, type };
        }
        if (e.op === 'in') {
          return { op: negated ? 'not-in' : 'in', id: field.id, type, values: e.values.map((v) => coerceLiteral(type, v)) };
        }
        const cmp = e as { op: CompareOp; value: Literal };
        return { op: negated ? NEGATE[cmp.op] : cmp.op, id: field.id, type, value: coerceLiteral(type, cmp.value) };
      } catch {
        return { op: 'true' };
      }
    }
  }
}

export function simplify(b: Bound): Bound {
  if (b.op !== 'and' && b.op !== 'or') return b;
  const absorbing = b.op === 'and' ? 'false' : 'true';
  const neutral = b.op === 'and' ? 'true' : 'false';
  const args: Bound[] = [];
  for (const a of b.args.map(simplify)) {
    if (a.op === absorbing) return { op: absorbing };
    if (a.op !== neutral) args.push(a);
  }
  if (args.length === 0) return { op: neutral };
  return args.length === 1 ? args[0]! : { op: b.op, args };
}

/** Rewrites every leaf; `and`/`or` structure is kept. */
export function mapLeaves(b: Bound, fn: (leaf: BoundLeaf) => Bound): Bound {
  if (b.op === 'true' || b.op === 'false') return b;
  if (b.op === 'and' || b.op === 'or') return simplify({ op: b.op, args: b.args.map((a) => mapLeaves(a, fn)) });
  return fn(b as BoundLeaf);
}
