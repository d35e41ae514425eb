import type { NewField } from '../../table/index.js';
import { duckdbToIceberg, type Engine, translateError } from '../core/index.js';

/** The Iceberg fields a query would produce, from DuckDB's bound result types; nothing runs. */
export async function inferFields(engine: Engine, selectSql: string): Promise<NewField[]> {
  let prepared;
  try {
    prepared = await engine.connection.prepare(selectSql);
  } catch (e) {
    throw translateError(e, 'load');
  }
  try {
    const fields: NewField[] = [];
    for (let i = 0; i < prepared.columnCount; i++) {
      const name = prepared.columnName(i);
      fields.push({ name, type: duckdbToIceberg(prepared.columnType(i), name) });
    }
    return fields;
  } finally {
    prepared.destroySync();
  }
}
