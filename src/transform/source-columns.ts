/** The columns of a source relation, with STRUCT columns flattened to `parent_child` columns. */
import { type Engine, quoteIdent, quoteLiteral } from '../engine/index.js';
import { InvalidInput } from '../errors.js';

export interface SourceColumn {
  /** Name after flattening, e.g. `location_lat`. */
  readonly name: string;
  /** SQL reading it from a row of the relation, e.g. `struct_extract("location", 'lat')`. */
  readonly expr: string;
  /** DuckDB type text, e.g. `VARCHAR`, `DOUBLE`, `VARCHAR[]`. */
  readonly type: string;
}

/** Name and DuckDB type of each column a SELECT (or `FROM relation`) returns. */
export async function describeColumns(engine: Engine, select: string): Promise<{ name: string; type: string }[]> {
  const rows = await engine.allJson<{ column_name: string; column_type: string }>(`DESCRIBE ${select}`);
  return rows.map((r) => ({ name: r.column_name, type: r.column_type }));
}

/** A STRUCT itself, not a list or array of them (`STRUCT(k VARCHAR)[]` starts alike). */
export function isStructType(type: string): boolean {
  if (!type.startsWith('STRUCT(')) return false;
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < type.length; i++) {
    const ch = type[i];
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch === '(') depth++;
    else if (!quoted && ch === ')' && --depth === 0) return i === type.length - 1;
  }
  return false;
}

export function isTextType(type: string): boolean {
  return type === 'VARCHAR';
}

/**
 * Columns of `relation`; with `flatten`, STRUCTs recurse into `a_b_c` columns (lists stay lists).
 * A struct named in `wanted` (lower-case `a_b` names, as `readsOf` gives them) is listed whole too,
 * so a contract can keep it as JSON text; without `flatten`, only wanted fields are pulled out.
 * `context` prefixes errors, e.g. `transform: silver.orders`.
 */
export async function sourceColumns(
  engine: Engine,
  relation: string,
  flatten: boolean,
  context: string,
  wanted: ReadonlySet<string> = new Set(),
): Promise<SourceColumn[]> {
  const top = await describeColumns(engine, `SELECT * FROM ${relation}`);
  const out: SourceColumn[] = [];
  const visit = async (name: string, expr: string, type: string, nested: boolean): Promise<void> => {
    const struct = isStructType(type);
    const lower = name.toLowerCase();
    const want = wanted.has(lower);
    if (flatten ? !struct || want : !nested || want) out.push({ name, expr, type });
    const inside = [...wanted].some((w) => w.startsWith(`${lower}_`));
    if (!struct || !(flatten || inside)) return;
    const fields = await describeColumns(engine, `SELECT unnest(${expr}) FROM ${relation}`);
    for (const f of fields) await visit(`${name}_${f.name}`, `struct_extract(${expr}, ${quoteLiteral(f.name)})`, f.type, true);
  };
  for (const c of top) await visit(c.name, quoteIdent(c.name), c.type, false);
  const seen = new Map<string, SourceColumn>();
  for (const c of out) {
    const other = seen.get(c.name.toLowerCase());
    if (other) {
      throw new InvalidInput(`${context}: source columns ${other.expr} and ${c.expr} both flatten to ${c.name}; rename one, or set flatten: false`);
    }
    seen.set(c.name.toLowerCase(), c);
  }
  return out;
}

/**
 * The source column a contract column reads (case-insensitive, as DuckDB resolves names); a
 * dotted path `a.b` reads the struct field that flattens to `a_b`.
 */
export function findSourceColumn(columns: readonly SourceColumn[], name: string): SourceColumn | undefined {
  const find = (n: string) => columns.find((c) => c.name === n) ?? columns.find((c) => c.name.toLowerCase() === n.toLowerCase());
  return find(name) ?? (name.includes('.') ? find(name.replaceAll('.', '_')) : undefined);
}

/**
 * The source names a contract's columns read, as `sourceColumns` wants them. Without `flatten`,
 * `a_b` is a plain column name; only a dotted path reaches into a struct.
 */
export function readsOf(columns: Record<string, { from?: string | undefined; expr?: string | undefined }>, flatten: boolean): Set<string> {
  const reads = Object.entries(columns).filter(([, spec]) => spec.expr === undefined).map(([name, spec]) => spec.from ?? name);
  return new Set(reads.filter((r) => flatten || r.includes('.')).map((r) => r.toLowerCase().replaceAll('.', '_')));
}
