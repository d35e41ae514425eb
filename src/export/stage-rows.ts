import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { quoteIdent, quoteLiteral, type Engine } from '../engine/index.js';
import { InvalidInput } from '../errors.js';
import type { NestedField } from '../table/index.js';
import { csvValueSql } from './pg-types.js';

/** Columns as a comma-separated list of quoted names: `"a", "b"`. */
export function identList(names: readonly string[]): string {
  return names.map(quoteIdent).join(', ');
}

/**
 * A scratch folder for the CSV files an export streams to the warehouse, inside the engine's spill
 * folder (the project's `.silt/tmp`); removed when the export ends.
 */
export function scratchFolder(tempDirectory: string): { dir: string; remove(): void } {
  mkdirSync(tempDirectory, { recursive: true });
  const dir = mkdtempSync(path.join(tempDirectory, 'export-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Rows of a DuckDB relation written as CSV with a header, each column as COPY reads it back; the row count. */
export async function writeCsv(engine: Engine, relation: string, fields: readonly NestedField[], file: string): Promise<number> {
  const cols = fields.map((f) => `${csvValueSql(quoteIdent(f.name), f.type)} AS ${quoteIdent(f.name)}`).join(', ');
  const rows = await engine.all<{ Count: bigint | number }>(`COPY (SELECT ${cols} FROM ${relation}) TO ${quoteLiteral(file)} (FORMAT csv, HEADER true)`);
  return Number(rows[0]?.Count ?? 0);
}

/** Rows of a relation, counted. */
export async function countRows(engine: Engine, relation: string): Promise<number> {
  const rows = await engine.all<{ n: bigint | number }>(`SELECT count(*) AS n FROM ${relation}`);
  return Number(rows[0]?.n ?? 0);
}

/**
 * Refuses rows the warehouse's key could not hold: a key value NULL, or the same key twice (an
 * upsert would take one of them at random, a primary key none).
 */
export async function checkKey(engine: Engine, relation: string, key: readonly string[], what: { exportName: string; source: string }): Promise<void> {
  if (key.length === 0) return;
  const fix = `fix the key in silt.yaml exports.tables.${what.exportName}.key, or the rows of ${what.source}`;
  const nulls = key.map((k) => `${quoteIdent(k)} IS NULL`).join(' OR ');
  const nullCount = Number((await engine.all<{ n: bigint }>(`SELECT count(*) AS n FROM ${relation} WHERE ${nulls}`))[0]?.n ?? 0);
  if (nullCount > 0) {
    throw new InvalidInput(`export ${what.exportName}: the key (${key.join(', ')}) is NULL in ${nullCount} rows of ${what.source}; ${fix}`, { details: { table: what.source, key: key.join(',') } });
  }
  const dup = await engine.all<Record<string, unknown>>(
    `SELECT ${key.map((k) => `CAST(${quoteIdent(k)} AS VARCHAR) AS ${quoteIdent(k)}`).join(', ')}, count(*) AS n FROM ${relation} GROUP BY ALL HAVING count(*) > 1 LIMIT 1`,
  );
  if (dup[0]) {
    const value = key.map((k) => `${k}=${String(dup[0]![k])}`).join(', ');
    throw new InvalidInput(`export ${what.exportName}: the key (${key.join(', ')}) is not unique in ${what.source}: ${value} is in ${String(dup[0]['n'])} rows; ${fix}`, {
      details: { table: what.source, key: key.join(',') },
    });
  }
}
