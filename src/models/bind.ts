/**
 * Binds a model against the tables in the engine: its output columns and their Iceberg types, and
 * every header setting checked against them, so mistakes surface naming the model file before a run.
 */
import { didYouMean } from '../config/index.js';
import { type Engine, parseTypeText, quoteLiteral, runSql, sqlExpression } from '../engine/index.js';
import { InvalidInput } from '../errors.js';
import { buildSchema, parsePartitionSpec, type NewField, type PartitionField, type Schema } from '../table/index.js';
import type { Model } from './model.js';

export interface BoundModel {
  /** The gold table's schema (ids from 1) as the model's SELECT produces it. */
  schema: Schema;
  lastColumnId: number;
  partitionFields: PartitionField[];
}

/**
 * The tables the model reads must be visible to the engine under their own names (`silver.orders`),
 * as views or tables. Nothing is read: DuckDB only binds the SQL.
 */
export async function bindModel(engine: Engine, model: Model): Promise<BoundModel> {
  const where = `models: ${model.file}`;
  const described = await runSql<{ column_name: string; column_type: string }>(engine, `DESCRIBE\n${model.sql}\n`, where);
  const fields: NewField[] = [];
  const seen = new Map<string, string>();
  for (const { column_name: name, column_type: type } of described) {
    const other = seen.get(name.toLowerCase());
    if (other !== undefined) throw new InvalidInput(`${where}: column ${name} appears twice; give one an alias`);
    seen.set(name.toLowerCase(), name);
    fields.push({ name, type: await icebergType(engine, where, name, type) });
  }
  const columns = [...seen.values()];
  const need = (column: string, what: string): void => {
    if (seen.has(column.toLowerCase())) return;
    const hint = didYouMean(column, columns);
    throw new InvalidInput(`${where}: ${what}: the model has no column ${column}${hint ? ` (did you mean ${hint}?)` : ''}; columns: ${columns.join(', ')}`);
  };
  for (const c of model.config.uniqueKey ?? []) need(c, 'unique_key');
  for (const c of model.config.incrementalBy ?? []) need(c, 'incremental_by');
  for (const e of model.config.expectations) {
    if ('column' in e) need(e.column, `expect ${e.label}`);
    const field = `${where}: expect ${e.label}`;
    const check =
      e.rule === 'sql' ? `SELECT ${await sqlExpression(engine, e.predicate, field)}::BOOLEAN FROM ${wrap(model)} LIMIT 0` :
      e.rule === 'regex' ? `SELECT regexp_matches('', ${quoteLiteral(e.pattern)})` : undefined;
    if (check) await runSql(engine, check, field);
  }
  const { schema, lastColumnId } = buildSchema(fields);
  let partitionFields: PartitionField[] = [];
  if (model.config.partitionBy) {
    try {
      partitionFields = parsePartitionSpec(model.config.partitionBy, schema);
    } catch (e) {
      if (!(e instanceof InvalidInput)) throw e;
      throw new InvalidInput(`${where}: partition_by: ${e.message.replace(/^partition: /, '')}`);
    }
  }
  return { schema, lastColumnId, partitionFields };
}

/** The model's SELECT as a parenthesised subquery, safe when the SQL ends in a `--` comment. */
export function wrap(model: Model): string {
  return `(\n${model.sql}\n)`;
}

async function icebergType(engine: Engine, where: string, column: string, type: string): Promise<NewField['type']> {
  if (type === '"NULL"' || type === 'NULL') {
    throw new InvalidInput(`${where}: column ${column} has no type (it is always NULL); cast it, e.g. CAST(NULL AS VARCHAR)`);
  }
  try {
    return await parseTypeText(engine, type, column);
  } catch (e) {
    if (!(e instanceof InvalidInput)) throw e;
    throw new InvalidInput(`${where}: ${e.message.replace(/^schema: /, '')}`);
  }
}
