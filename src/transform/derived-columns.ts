/**
 * Derived columns (`expr:`) and defaults. An expression is user SQL over the contract's columns
 * read from the source (typed, standardized): checked by `sqlExpression` (one expression, no
 * subquery, file or setting), then bound against exactly those columns and their types, so a
 * wrong column or type fails `silt plan` naming the table and column, never a run.
 */
import { PROJECT_FILE } from '../config/index.js';
import { type Engine, parseTypeText, quoteIdent, quoteLiteral, serializeSql, sqlExpression, walk, type AstNode } from '../engine/index.js';
import { InvalidInput } from '../errors.js';
import type { IcebergTypeInput } from '../table/index.js';
import { parseColumnType, type ColumnType } from './column-type.js';
import { checkContract } from './contract-checks.js';
import type { ColumnSpec, SilverContract } from './contract-shape.js';

export interface DerivedPlan {
  readonly name: string;
  readonly spec: ColumnSpec;
  readonly type: ColumnType;
  /** The checked expression, parenthesised. */
  readonly expr: string;
  /** Its own type differs from `type`: the value is cast, and a value that does not cast is a `type` violation. */
  readonly cast: boolean;
}

/** A contract whose derived columns have passed `bindContract`: every column has a type. */
export type BoundContract = SilverContract & { readonly __bound: true };

/** A derived column's value before its cast and default, in the typed rows. */
export const derivedRawRef = (j: number): string => `__silt_x${j}`;

const isDerived = (spec: ColumnSpec): boolean => spec.expr !== undefined;

/** Columns read from the source, in declaration order. */
export function sourceReadColumns(contract: SilverContract): [string, ColumnSpec][] {
  return Object.entries(contract.columns).filter(([, spec]) => !isDerived(spec));
}

/** A relation with no rows and the contract's source-read columns, typed: what an expression binds against. */
function typedColumnsRelation(contract: SilverContract): string {
  const cols = sourceReadColumns(contract).map(([name, spec]) => `CAST(NULL AS ${parseColumnType(spec.type!)!.duckdb}) AS ${quoteIdent(name)}`);
  return `(SELECT ${cols.length ? cols.join(', ') : '1 AS __silt_none'} LIMIT 0) AS __silt_cols`;
}

/**
 * Checks every expression and default of `contract` (silver table `name`) and gives each derived
 * column its type (declared, else the expression's). InvalidInput names
 * `silt.yaml silver.<name>.columns.<column>.<key>` and says what is wrong.
 */
export async function bindContract(engine: Engine, contract: SilverContract, name: string): Promise<BoundContract> {
  if ((contract as Partial<BoundContract>).__bound) return contract as BoundContract;
  const where = (column: string, key: string): string => `${PROJECT_FILE} silver.${name}.columns.${column}.${key}`;
  const relation = typedColumnsRelation(contract);
  const readable = sourceReadColumns(contract).map(([n]) => n).join(', ') || '(none)';
  const columns: Record<string, ColumnSpec> = {};
  for (const [column, spec] of Object.entries(contract.columns)) {
    if (!isDerived(spec)) {
      columns[column] = spec;
      continue;
    }
    const field = where(column, 'expr');
    const expr = await sqlExpression(engine, spec.expr!, field);
    refuseWindows(await serializeSql(engine, `SELECT ${expr}`, field), field, spec.expr!);
    let own: string;
    try {
      // `*` beside it: an aggregate does not bind without GROUP BY, so `sum(qty)` is refused here.
      const [row] = await engine.allJson<{ column_type: string }>(`DESCRIBE SELECT ${expr} AS __silt_v, * FROM ${relation}`);
      own = row!.column_type;
    } catch (e) {
      throw new InvalidInput(
        `${field}: expected one SQL expression per row over the columns ${readable} (derived columns cannot read each other or the lineage columns); DuckDB says: ${firstLine(e)}`,
      );
    }
    const type = spec.type ?? contractTypeText(await parseTypeText(engine, own, column).catch(() => undefined));
    if (type === undefined) {
      throw new InvalidInput(`${where(column, 'type')}: missing; the expression gives ${own}, which a contract column cannot hold: declare a type (e.g. string, long, decimal(12, 2))`);
    }
    columns[column] = { ...spec, type };
  }
  const bound = { ...contract, columns } as SilverContract;
  const issue = checkContract(bound)[0];
  if (issue) throw new InvalidInput(`${PROJECT_FILE} silver.${name}.${issue.path.join('.')}: expected ${issue.message}`);
  const result = Object.freeze({ ...bound, __bound: true as const });
  await checkDefaults(engine, result, name);
  return result;
}

/** Derived columns of a bound contract, with the SQL they compute. */
export async function planDerived(engine: Engine, contract: BoundContract): Promise<DerivedPlan[]> {
  const out: DerivedPlan[] = [];
  const relation = typedColumnsRelation(contract);
  for (const [name, spec] of Object.entries(contract.columns)) {
    if (!isDerived(spec)) continue;
    const type = parseColumnType(spec.type!)!;
    const expr = await sqlExpression(engine, spec.expr!, `silver column ${name}`);
    const [row] = await engine.allJson<{ column_type: string }>(`DESCRIBE SELECT ${expr} AS __silt_v FROM ${relation}`);
    out.push({ name, spec, type, expr, cast: row!.column_type !== type.duckdb });
  }
  return out;
}

/** The value a column stores: `value`, or its default when NULL. */
export function withDefault(value: string, spec: ColumnSpec, type: ColumnType): string {
  return spec.default === undefined ? value : `COALESCE(${value}, ${defaultLiteral(spec.default, type)})`;
}

function defaultLiteral(v: string | number | boolean, type: ColumnType): string {
  return `CAST(${typeof v === 'string' ? quoteLiteral(v) : String(v)} AS ${type.duckdb})`;
}

async function checkDefaults(engine: Engine, contract: BoundContract, name: string): Promise<void> {
  for (const [column, spec] of Object.entries(contract.columns)) {
    if (spec.default === undefined) continue;
    const type = parseColumnType(spec.type!)!;
    try {
      await engine.all(`SELECT ${defaultLiteral(spec.default, type)}`);
    } catch (e) {
      throw new InvalidInput(`${PROJECT_FILE} silver.${name}.columns.${column}.default: expected a ${type.text} value, found ${JSON.stringify(spec.default)}; DuckDB says: ${firstLine(e)}`);
    }
  }
}

function refuseWindows(json: string, field: string, text: string): void {
  walk(JSON.parse(json) as AstNode, (node) => {
    if (node['class'] === 'WINDOW') {
      throw new InvalidInput(`${field}: expected one SQL expression per row, found ${JSON.stringify(text)}: window functions (OVER) are not allowed here`);
    }
  });
}

/** A contract type for an Iceberg type, or undefined for one a contract cannot declare (struct, map). */
function contractTypeText(t: IcebergTypeInput | undefined): string | undefined {
  if (t === undefined) return undefined;
  if (typeof t === 'string') return t;
  if (t.type === 'list') {
    const element = contractTypeText(t.element);
    return element === undefined ? undefined : `list<${element}>`;
  }
  return undefined;
}

/**
 * The contract columns an expression names, for lineage: words outside string literals that are
 * column names and not called as functions (`year(order_ts)` reads order_ts, not a column `year`).
 */
export function expressionInputs(expr: string, columns: readonly string[]): string[] {
  const byLower = new Map(columns.map((c) => [c.toLowerCase(), c]));
  const found = new Set<string>();
  const text = expr.replace(/'(?:[^']|'')*'/g, "''");
  for (const m of text.matchAll(/"((?:[^"]|"")+)"|([A-Za-z_][A-Za-z0-9_]*)(\s*\()?/g)) {
    if (m[3]) continue;
    const name = byLower.get((m[1]?.replaceAll('""', '"') ?? m[2]!).toLowerCase());
    if (name) found.add(name);
  }
  return [...found];
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0] ?? '';
}
