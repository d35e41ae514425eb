/**
 * Per contract column: the SQL that standardizes the raw value to text-or-native (`norm`) and the
 * SQL that types it (`typed`, over the norm column). A non-null norm whose typed value is NULL is
 * a failed cast, which the caller turns into an implicit `type` violation.
 */
import { quoteIdent, quoteList, quoteLiteral } from '../engine/index.js';
import { InvalidInput } from '../errors.js';
import { didYouMean } from '../config/index.js';
import { isNumeric, isTemporal, parseColumnType, type ColumnType } from './column-type.js';
import type { ColumnSpec, SilverContract } from './contract-schema.js';
import { sourceReadColumns } from './derived-columns.js';
import { findSourceColumn, isStructType, isTextType, type SourceColumn } from './source-columns.js';

export interface ColumnPlan {
  readonly name: string;
  readonly spec: ColumnSpec;
  readonly type: ColumnType;
  readonly source: SourceColumn;
  /** SQL over the flattened source row. */
  readonly norm: string;
  /** SQL over `normRef` (the norm value) giving the typed value. */
  readonly typed: (normRef: string) => string;
  readonly canFail: boolean;
}

// Digits grouped in threes by commas ("1,234,567.50"): commas are dropped before a numeric cast.
const GROUPED = '[+-]?[0-9]{1,3}(,[0-9]{3})+(\\.[0-9]*)?';
// Whole numbers, tolerating a zero fraction ("12.00"); anything else is not an integer.
const WHOLE = '^([+-]?[0-9]+)(\\.0*)?$';

export function planColumns(contract: SilverContract, source: readonly SourceColumn[], context: string): ColumnPlan[] {
  return sourceReadColumns(contract).map(([name, spec]) => {
    const from = spec.from ?? name;
    const src = findSourceColumn(source, from);
    if (!src) {
      const hint = didYouMean(from, source.map((c) => c.name));
      throw new InvalidInput(
        `${context}: column ${name} reads ${from}, which the source does not have${hint ? ` (did you mean ${hint}?)` : ''}; source columns: ${source.map((c) => c.name).join(', ')}`,
      );
    }
    const type = parseColumnType(spec.type!)!;
    const textPath = isTextType(src.type) || type.kind === 'string';
    const tokens = spec.null_tokens ?? contract.null_tokens;
    const raw = quoteIdent(src.name);
    const norm = textPath ? normText(asText(raw, src.type), spec, type, tokens) : raw;
    const same = !textPath && src.type === type.duckdb;
    // A cast would print each object DuckDB's way ({'k': a}); each element becomes JSON text instead.
    const nestedToText = !textPath && type.element?.kind === 'string' && src.type.endsWith('[]') && isNested(src.type.slice(0, -2));
    const cast = (n: string): string => (same ? n : nestedToText ? `list_transform(${n}, lambda __silt_e: CAST(to_json(__silt_e) AS VARCHAR))` : `TRY_CAST(${n} AS ${type.duckdb})`);
    return {
      name,
      spec,
      type,
      source: src,
      norm,
      typed: textPath ? (n: string) => typeText(n, type, spec.formats) : cast,
      canFail: !(textPath && type.kind === 'string') && !same && !nestedToText,
    };
  });
}

/** A value DuckDB would print in its own syntax when cast to text: a struct, list or map. */
function isNested(type: string): boolean {
  return isStructType(type) || type.endsWith('[]') || type.startsWith('MAP(');
}

function asText(raw: string, type: string): string {
  if (isTextType(type)) return raw;
  if (isNested(type)) return `CAST(to_json(${raw}) AS VARCHAR)`;
  return `CAST(${raw} AS VARCHAR)`;
}

function normText(text: string, spec: ColumnSpec, type: ColumnType, tokens: readonly string[]): string {
  const trimmed = `trim(${text})`;
  let value = spec.trim || type.kind !== 'string' ? trimmed : text;
  if (spec.case === 'lower') value = `lower(${value})`;
  if (spec.case === 'upper') value = `upper(${value})`;
  if (spec.case === 'title') value = titleCase(value);
  if (tokens.length === 0) return value;
  // list_contains, not IN: DuckDB plans a long IN list as a join per column.
  return `CASE WHEN list_contains(${quoteList(tokens)}, ${trimmed}) THEN NULL ELSE ${value} END`;
}

/** Each space-separated word: first letter upper, the rest lower. */
export function titleCase(value: string): string {
  return `array_to_string(list_transform(string_split(lower(${value}), ' '), lambda __silt_w: upper(__silt_w[1]) || __silt_w[2:]), ' ')`;
}

function typeText(n: string, type: ColumnType, formats: readonly string[] | undefined): string {
  const t = type.duckdb;
  if (type.kind === 'string') return n;
  if (type.kind === 'boolean') {
    return `CASE lower(${n}) WHEN 'yes' THEN TRUE WHEN 'y' THEN TRUE WHEN 'no' THEN FALSE WHEN 'n' THEN FALSE ELSE TRY_CAST(${n} AS BOOLEAN) END`;
  }
  if (isNumeric(type)) {
    const plain = `CASE WHEN contains(${n}, ',') AND regexp_full_match(${n}, ${quoteLiteral(GROUPED)}) THEN replace(${n}, ',', '') ELSE ${n} END`;
    if (type.kind === 'int' || type.kind === 'long') {
      return `CASE WHEN contains(${n}, '.') THEN TRY_CAST(regexp_extract(${plain}, ${quoteLiteral(WHOLE)}, 1) AS ${t}) ELSE TRY_CAST(${plain} AS ${t}) END`;
    }
    return `TRY_CAST(${plain} AS ${t})`;
  }
  if (isTemporal(type) && formats && formats.length > 0) {
    const tries = formats.map((f) => `TRY_CAST(try_strptime(${n}, ${quoteLiteral(f)}) AS ${t})`);
    return tries.length === 1 ? tries[0]! : `COALESCE(${tries.join(', ')})`;
  }
  return `TRY_CAST(${n} AS ${t})`;
}

/** What a failed cast says: `cannot read "2024-13-45" as timestamp (formats: %Y-%m-%d)`. */
export function castExpectation(plan: ColumnPlan): string {
  const f = plan.spec.formats;
  return `${plan.type.text}${f && isTemporal(plan.type) ? ` (formats: ${f.join(', ')})` : ''}`;
}

