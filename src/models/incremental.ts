/**
 * Incremental gold models. The scheme: a run recomputes only the key values (incremental_by, else
 * unique_key) that changed upstream rows touch, and replaces every gold row with those values.
 *
 * 1. Touched keys: the model's own SELECT run with one upstream table replaced by its changed rows
 *    (added rows and the old versions of removed or updated rows), once per changed upstream;
 *    the union of the key columns it yields. The model's own expressions map source rows to keys,
 *    so derived keys (CAST(order_ts AS DATE) AS order_date) work.
 * 2. Rebuild: the model over the full upstream tables, restricted to the touched keys.
 * 3. Replace: delete gold rows whose key is touched, add the rebuilt rows — one commit.
 *
 * Correct when each output row's key is determined by the source rows that produce it (GROUP BY the
 * key, row-level SELECTs, joins). Not for models whose output for a key depends on rows of other
 * keys (window functions across keys, HAVING on a count over old rows, LIMIT): make those `table`.
 */
import { type Engine, quoteIdent } from '../engine/index.js';
import { InvalidInput } from '../errors.js';
import { incrementalKeys, tableOf, type Model } from './model.js';
import { replaceTables } from './rewrite.js';

export interface IncrementalPlan {
  /** The key columns a run replaces by. */
  keys: string[];
  /** SQL: the distinct key tuples the changed upstream rows touch. Empty set → nothing to do. */
  touchedSql: string;
  /** SQL: the model's rows for the keys in relation `touched`, over the full upstream tables. */
  rebuildSql(touched: string): string;
  /** A boolean expression over the gold table's columns: true for rows the run replaces (NULL keys match NULL). */
  replacedPredicate(touched: string): string;
}

/**
 * `changed` maps upstream tables (`ns.t` from `model.dependsOn`) to a relation holding their changed
 * rows; upstream tables that did not change are left out. Other tables read from `upstream`'s
 * relation when it names one, else from their own names.
 */
export async function planIncremental(
  engine: Engine,
  model: Model,
  changed: ReadonlyMap<string, string>,
  upstream: ReadonlyMap<string, string> = new Map(),
): Promise<IncrementalPlan> {
  const keys = incrementalKeys(model.config);
  if (model.config.materialized !== 'incremental' || keys.length === 0) {
    throw new InvalidInput(`models: ${tableOf(model)} is not incremental (${model.file}); rebuild it as a table`);
  }
  for (const table of changed.keys()) {
    if (!model.dependsOn.includes(table)) throw new Error(`models: ${tableOf(model)} does not read ${table}`);
  }
  const cols = keys.map(quoteIdent).join(', ');
  const parts: string[] = [];
  for (const [table, relation] of changed) {
    const sql = await replaceTables(engine, model, new Map([...upstream, [table, relation]]));
    parts.push(`SELECT ${cols} FROM (\n${sql}\n) AS __changed`);
  }
  const full = upstream.size > 0 ? await replaceTables(engine, model, upstream) : model.sql;
  const touchedSql = parts.length ? parts.join('\nUNION\n') : `SELECT ${cols} FROM (\n${full}\n) AS __none LIMIT 0`;
  // A struct compares NULL fields as equal, so a NULL key value matches itself.
  const tuple = `{${keys.map((k, i) => `'k${i}': ${quoteIdent(k)}`).join(', ')}}`;
  const inTouched = (touched: string): string => `${tuple} IN (SELECT ${tuple} FROM ${touched})`;
  return {
    keys,
    touchedSql,
    rebuildSql: (touched) => `SELECT * FROM (\n${full}\n) AS __model WHERE ${inTouched(touched)}`,
    replacedPredicate: inTouched,
  };
}
