/** What a gold model is once its file has been read: name, SQL, header config and dependencies. */

import { DEFAULT_LAYERS } from '../config/index.js';
export type Materialized = 'table' | 'incremental';
export type ExpectationPolicy = 'warn' | 'fail';

/** One `expect rule(args)` from a model header; the same rule names as silver contracts. */
export type Expectation = { policy: ExpectationPolicy; /** As written, canonical: `range(revenue, 0, null)`. */ label: string } & (
  | { rule: 'not_null' | 'unique'; column: string }
  | { rule: 'range'; column: string; min: Bound; max: Bound }
  | { rule: 'allowed_values'; column: string; values: Bound[] }
  | { rule: 'regex'; column: string; pattern: string }
  | { rule: 'sql'; predicate: string }
);

/** A literal from a header: a number, a string, or null (an open range bound). */
export type Bound = number | string | null;

export interface ModelConfig {
  /** `table` rebuilds the whole table each run; `incremental` replaces only the rows of touched keys. */
  materialized: Materialized;
  /** Iceberg partition spec text, e.g. `day(order_date), bucket(16, customer_id)`. */
  partitionBy?: string;
  uniqueKey?: string[];
  /** Output columns whose values a run recomputes (whole partitions of the model). */
  incrementalBy?: string[];
  expectations: Expectation[];
  /** Where the model runs: `trino` on the project's Trino; else the project's `engine.steps` (DuckDB by default). */
  engine?: 'duckdb' | 'trino';
  /** The SQL's dialect: `trino` is sent to Trino as written (and read with Trino's meanings on DuckDB); else Silt's, spelled for Trino by Silt. */
  dialect?: 'duckdb' | 'trino';
}

export interface Model {
  /** The table is `<gold layer>.<name>`. */
  name: string;
  /** The gold layer's namespace (`layers.gold`); absent means the default, `gold`. */
  namespace?: string;
  /** Path for messages, from the models folder's parent: `models/daily_sales.sql`. */
  file: string;
  /**
   * The SELECT without header lines or trailing semicolon. It may end in a `--` comment, so put a
   * newline after it when wrapping it: `(\n${sql}\n)`.
   */
  sql: string;
  config: ModelConfig;
  /** Tables the SQL reads, `ns.t` in lower case, sorted; CTE names are not tables. */
  dependsOn: string[];
}

export function tableOf(model: Model): string {
  return `${model.namespace ?? DEFAULT_LAYERS.gold}.${model.name}`;
}

/** Key columns an incremental run replaces by: incremental_by, else unique_key. */
export function incrementalKeys(config: ModelConfig): string[] {
  return config.incrementalBy ?? config.uniqueKey ?? [];
}
