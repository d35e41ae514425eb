/** Rewrites which relations a model's SELECT reads, through DuckDB's own parser and printer. */
import { renameTables, serializeSql, type Engine } from '../engine/index.js';
import type { Model } from './model.js';

/**
 * The model's SELECT with each table in `replace` (`ns.t`, lower case) read from another relation
 * instead: a table or view name in the engine's default schema. Column references keep working
 * because the replaced table keeps its name as its alias (the engine's `renameTables`).
 */
export async function replaceTables(engine: Engine, model: Model, replace: ReadonlyMap<string, string>): Promise<string> {
  const where = `models: ${model.file}`;
  const json = await serializeSql(engine, model.sql, where);
  const renamed = await renameTables(engine, json, (ref) => replace.get(`${ref.namespace}.${ref.table}`.toLowerCase()), where);
  return renamed ?? model.sql;
}
