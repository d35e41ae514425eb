/** Contract column types: Iceberg type names (plus `list<T>`) and the DuckDB types they cast to. */
import { primitiveToDuckdb } from '../engine/index.js';
import type { PrimitiveType } from '../table/index.js';

const SIMPLE = ['boolean', 'int', 'long', 'float', 'double', 'date', 'time', 'timestamp', 'timestamptz', 'string', 'uuid', 'binary'] as const;
export type ScalarKind = (typeof SIMPLE)[number] | 'decimal';

export interface ColumnType {
  /** Canonical Iceberg text, e.g. `decimal(12, 2)` or `list<string>`. */
  readonly text: string;
  readonly kind: ScalarKind | 'list';
  /** DuckDB cast target, e.g. `DECIMAL(12, 2)` or `VARCHAR[]`. */
  readonly duckdb: string;
  readonly element?: ColumnType;
}

export const TYPE_EXPECTED = `one of ${SIMPLE.join(', ')}, decimal(P,S) with 1 <= P <= 38 and 0 <= S <= P, or list<T>`;

/** Parses a contract type; undefined when the text is not a supported type. */
export function parseColumnType(text: string): ColumnType | undefined {
  const t = text.trim().toLowerCase();
  if ((SIMPLE as readonly string[]).includes(t)) {
    const kind = t as (typeof SIMPLE)[number];
    return { text: kind, kind, duckdb: primitiveToDuckdb(kind) };
  }
  const dec = /^decimal\s*\(\s*(\d+)\s*,\s*(\d+)\s*\)$/.exec(t);
  if (dec) {
    const p = Number(dec[1]);
    const s = Number(dec[2]);
    if (p < 1 || p > 38 || s > p) return undefined;
    const iceberg = `decimal(${p}, ${s})` as PrimitiveType;
    return { text: iceberg, kind: 'decimal', duckdb: primitiveToDuckdb(iceberg) };
  }
  const list = /^list\s*<(.+)>$/.exec(t);
  if (list) {
    const element = parseColumnType(list[1]!);
    if (!element) return undefined;
    return { text: `list<${element.text}>`, kind: 'list', duckdb: `${element.duckdb}[]`, element };
  }
  return undefined;
}

export function isTemporal(type: ColumnType): boolean {
  return type.kind === 'date' || type.kind === 'time' || type.kind === 'timestamp' || type.kind === 'timestamptz';
}

export function isNumeric(type: ColumnType): boolean {
  return ['int', 'long', 'float', 'double', 'decimal'].includes(type.kind);
}
