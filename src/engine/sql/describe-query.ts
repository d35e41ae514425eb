import type { DuckDBType } from '@duckdb/node-api';
import { type Engine, translateError } from '../core/index.js';

/** The columns a query gives, as DuckDB binds it (nothing runs). */
export async function describeQuery(engine: Engine, query: string): Promise<{ name: string; type: DuckDBType }[]> {
  let prepared;
  try {
    await engine.syncKeys();
    prepared = await engine.connection.prepare(query);
  } catch (e) {
    throw translateError(e, 'query');
  }
  try {
    const out: { name: string; type: DuckDBType }[] = [];
    for (let i = 0; i < prepared.columnCount; i++) out.push({ name: prepared.columnName(i), type: prepared.columnType(i) });
    return out;
  } finally {
    prepared.destroySync();
  }
}
