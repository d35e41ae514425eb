import type { Catalog } from '../../catalog/index.js';
import { currentScan, quoteIdent, scanSql, type Engine } from '../../engine/index.js';
import { currentSchema } from '../../table/index.js';
import { SOURCE_FILE, SOURCE_LINE } from '../bronze-schema.js';
import { DELETED_COLUMN } from './postgres-connector.js';

/** A connector that can say which of the keys bronze holds live are gone from its source. */
interface KeyComparing {
  readonly keyColumns: readonly string[];
  /** Tombstone records (the key, `_deleted = true`) for those of `keys` the source no longer has. */
  goneKeys(keys: readonly (readonly string[])[]): Promise<Record<string, unknown>[]>;
}

export function comparesKeys(c: object): c is KeyComparing {
  return 'goneKeys' in c && 'keyColumns' in c;
}

/**
 * The keys whose latest row in bronze (the last pulled: landing files are named in pull order,
 * then by line) is not a tombstone, each as its values' text. Read from the committed bronze
 * table, so every landed chunk must be ingested first: a tombstone landed but not yet in bronze
 * would be landed again.
 */
export async function liveKeys(catalog: Catalog, engine: Engine, table: { namespace: string; name: string }, keys: readonly string[]): Promise<string[][]> {
  if (!(await catalog.tableExists(table.namespace, table.name))) return [];
  const t = await catalog.loadTable(table.namespace, table.name);
  const columns = new Set(currentSchema(t.metadata).fields.map((f) => f.name));
  if (!keys.every((k) => columns.has(k))) return [];
  const scan = await scanSql(currentScan(t.metadata, `${table.namespace}.${table.name}`, (await t.planFiles()).files), catalog.store);
  const k = keys.map(quoteIdent);
  const deleted = columns.has(DELETED_COLUMN) ? `coalesce(${quoteIdent(DELETED_COLUMN)}, false)` : 'false';
  const rows = await engine.allJson(
    `SELECT ${k.map((c, i) => `CAST(${c} AS VARCHAR) AS k${i}`).join(', ')} FROM (
       SELECT ${k.join(', ')}, ${deleted} AS gone,
              row_number() OVER (PARTITION BY ${k.join(', ')} ORDER BY ${quoteIdent(SOURCE_FILE)} DESC, ${quoteIdent(SOURCE_LINE)} DESC) AS latest
         FROM (${scan}) WHERE ${k.map((c) => `${c} IS NOT NULL`).join(' AND ')})
     WHERE latest = 1 AND NOT gone`,
  );
  return rows.map((r) => keys.map((_, i) => String(r[`k${i}`])));
}
