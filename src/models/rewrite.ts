/** Rewrites which relations a model's SELECT reads, through DuckDB's own parser and printer. */
import { parse, stringify } from 'lossless-json';
import { quoteLiteral, runSql, serializeSql, walk, type AstNode, type Engine } from '../engine/index.js';
import type { Model } from './model.js';

/**
 * The model's SELECT with each table in `replace` (`ns.t`, lower case) read from another relation
 * instead: a table or view name in the engine's default schema. Column references keep working
 * because the replaced table keeps its name as its alias.
 */
export async function replaceTables(engine: Engine, model: Model, replace: ReadonlyMap<string, string>): Promise<string> {
  const where = `models: ${model.file}`;
  // lossless: the AST holds uint64 positions that a JS number would round.
  const ast = parse(await serializeSql(engine, model.sql, where)) as AstNode;
  let replaced = 0;
  walk(ast, (node) => {
    if (node['type'] !== 'BASE_TABLE' || node['catalog_name'] || !node['schema_name']) return;
    const key = `${String(node['schema_name'])}.${String(node['table_name'])}`.toLowerCase();
    const relation = replace.get(key);
    if (relation === undefined) return;
    if (!node['alias']) node['alias'] = node['table_name'];
    node['schema_name'] = '';
    node['table_name'] = relation;
    replaced++;
  });
  if (replaced === 0) return model.sql;
  const [out] = await runSql<{ sql: string }>(engine, `SELECT json_deserialize_sql(${quoteLiteral(stringify(ast) ?? '')}) AS sql`, where);
  return out!.sql;
}
