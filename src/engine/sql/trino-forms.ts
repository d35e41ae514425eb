/**
 * Athena's (Presto/Trino) SQL forms in user SQL, rewritten in DuckDB's parse tree of a statement
 * to what gives Trino's result: functions renamed to DuckDB's equivalents or to `silt_*` macros
 * (created on the session's engine by `registerTrinoMacros`; a user cannot redefine them, as user
 * SQL creates no macros). Forms DuckDB already reads as Trino does (`try_cast` but to an integer type, `CAST(… AS
 * VARCHAR)`, `UNNEST … WITH ORDINALITY`) are left.
 */
import { type AstNode, type Engine, execSql, walk } from '../core/index.js';

/** Trino's name → DuckDB's, for functions whose arguments and meaning are the same. */
const RENAMED: Record<string, { to: string; args?: number }> = {
  // Trino counts whole units between the two (truncating toward zero), as DuckDB's date_sub does;
  // DuckDB's date_diff counts unit boundaries crossed.
  date_diff: { to: 'date_sub', args: 3 },
  date_add: { to: 'silt_date_add', args: 3 },
  date_trunc: { to: 'silt_date_trunc', args: 2 },
  element_at: { to: 'silt_element_at', args: 2 },
  regexp_like: { to: 'regexp_matches', args: 2 },
  // A value of the input (as Trino's digest returns), the lower one between two.
  approx_percentile: { to: 'quantile_disc', args: 2 },
  from_iso8601_timestamp: { to: 'silt_from_iso8601_timestamp', args: 1 },
  from_iso8601_date: { to: 'silt_from_iso8601_date', args: 1 },
};

/** How DuckDB parses an interval: `INTERVAL '7' DAY` is to_days(…), `INTERVAL '1 day'` a cast. */
const INTERVAL_FUNCTIONS = new Set(['to_years', 'to_months', 'to_weeks', 'to_days', 'to_hours', 'to_minutes', 'to_seconds', 'to_milliseconds', 'to_microseconds']);

function isInterval(node: unknown): boolean {
  const n = node as AstNode | undefined;
  if (n?.['class'] === 'FUNCTION') return INTERVAL_FUNCTIONS.has(String(n['function_name']).toLowerCase());
  return n?.['class'] === 'CAST' && (n['cast_type'] as { id?: string } | undefined)?.id === 'INTERVAL';
}

const INTEGER_TYPES = new Set(['TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT']);

/**
 * Rewrites the Trino forms in a parse tree (from `serializeSql` of `sql`); returns how many it
 * changed. `x AT TIME ZONE z` parses as timezone(z, x), as does DuckDB's own call, which stays:
 * the node's place in `sql` tells them apart.
 */
export function rewriteTrinoForms(statements: unknown, sql: string): number {
  let changed = 0;
  walk(statements, (node: AstNode) => {
    if (node['class'] === 'CAST' && node['try_cast'] && INTEGER_TYPES.has(String((node['cast_type'] as { id?: string } | undefined)?.id))) {
      // Trino reads text as an integer only when it is one ('0.5' is NULL); DuckDB rounds it.
      node['child'] = { class: 'FUNCTION', type: 'FUNCTION', alias: '', query_location: node['query_location'], function_name: 'silt_integer_text', schema: '', catalog: '', children: [node['child']], filter: null, order_bys: { type: 'ORDER_MODIFIER', orders: [] }, distinct: false, is_operator: false, export_state: false };
      changed++;
      return;
    }
    if (node['class'] !== 'FUNCTION') return;
    const name = String(node['function_name']).toLowerCase();
    const children = node['children'] as unknown[];
    if (node['is_operator']) {
      // date ± interval is a date in Trino (a timestamp in DuckDB).
      if (children.length !== 2 || !(name === '+' || name === '-')) return;
      if (!isInterval(children[1]) && !(name === '+' && isInterval(children[0]))) return;
      node['function_name'] = name === '+' ? 'silt_plus_interval' : 'silt_minus_interval';
      node['is_operator'] = false;
      if (isInterval(children[0])) node['children'] = [children[1], children[0]];
      changed++;
      return;
    }
    if (name === 'timezone' && children.length === 2 && /^AT\s/i.test(sql.slice(Number(node['query_location'])))) {
      node['function_name'] = 'silt_at_time_zone';
      changed++;
      return;
    }
    if (name === 'approx_distinct' && (children.length === 1 || children.length === 2)) {
      // Trino's estimate is exact for small sets, where DuckDB's HyperLogLog is not: count them exactly.
      node['function_name'] = 'count';
      node['distinct'] = true;
      node['children'] = children.slice(0, 1);
      changed++;
      return;
    }
    const to = RENAMED[name];
    if (!to || (to.args !== undefined && children.length !== to.args)) return;
    node['function_name'] = to.to;
    node['schema'] = '';
    changed++;
  });
  return changed;
}

const MACROS = [
  `CREATE OR REPLACE MACRO silt_interval(unit, n) AS CASE lower(unit)
     WHEN 'millisecond' THEN to_milliseconds(CAST(n AS BIGINT)) WHEN 'second' THEN to_seconds(CAST(n AS BIGINT))
     WHEN 'minute' THEN to_minutes(CAST(n AS BIGINT)) WHEN 'hour' THEN to_hours(CAST(n AS BIGINT))
     WHEN 'day' THEN to_days(CAST(n AS INTEGER)) WHEN 'week' THEN to_weeks(CAST(n AS INTEGER))
     WHEN 'month' THEN to_months(CAST(n AS INTEGER)) WHEN 'quarter' THEN to_months(CAST(3 * n AS INTEGER))
     WHEN 'year' THEN to_years(CAST(n AS INTEGER))
     ELSE error('date_add: unknown unit ''' || unit || '''; use millisecond, second, minute, hour, day, week, month, quarter or year') END`,
  // A date stays a date (Trino's type), a timestamp a timestamp.
  `CREATE OR REPLACE MACRO silt_date_add(unit VARCHAR, n BIGINT, d DATE) AS CAST(d + silt_interval(unit, n) AS DATE),
     (unit VARCHAR, n BIGINT, d TIMESTAMP) AS d + silt_interval(unit, n),
     (unit VARCHAR, n BIGINT, d TIMESTAMPTZ) AS d + silt_interval(unit, n)`,
  `CREATE OR REPLACE MACRO silt_plus_interval(d DATE, i INTERVAL) AS CAST(d + i AS DATE), (d TIMESTAMP, i INTERVAL) AS d + i,
     (d TIMESTAMPTZ, i INTERVAL) AS d + i, (d INTERVAL, i INTERVAL) AS d + i`,
  `CREATE OR REPLACE MACRO silt_minus_interval(d DATE, i INTERVAL) AS CAST(d - i AS DATE), (d TIMESTAMP, i INTERVAL) AS d - i,
     (d TIMESTAMPTZ, i INTERVAL) AS d - i, (d INTERVAL, i INTERVAL) AS d - i`,
  `CREATE OR REPLACE MACRO silt_date_trunc(unit VARCHAR, d DATE) AS CAST(date_trunc(unit, d) AS DATE),
     (unit VARCHAR, d TIMESTAMP) AS date_trunc(unit, d),
     (unit VARCHAR, d TIMESTAMPTZ) AS date_trunc(unit, d)`,
  // 1-based, negative from the end, NULL past either end; a map's value for its key, NULL when absent.
  `CREATE OR REPLACE MACRO silt_element_at(c, k) AS c[k]`,
  // Text that is not an integer gives NULL to try_cast; any other value goes through unchanged.
  `CREATE OR REPLACE MACRO silt_integer_text(x VARCHAR) AS CASE WHEN regexp_full_match(x, '\\s*[+-]?[0-9]+\\s*') THEN x END, (x) AS x`,
  `CREATE OR REPLACE MACRO silt_from_iso8601_timestamp(s) AS CAST(s AS TIMESTAMPTZ)`,
  `CREATE OR REPLACE MACRO silt_from_iso8601_date(s) AS CAST(s AS DATE)`,
  // Trino's value is the same instant in zone z; Silt gives its wall-clock time there, so hour(),
  // day() and CAST(… AS DATE) of it are what Trino gives. A timestamp without zone is taken as UTC
  // (the session's zone).
  `CREATE OR REPLACE MACRO silt_at_time_zone(z VARCHAR, t TIMESTAMP) AS timezone(z, timezone('UTC', t)),
     (z VARCHAR, t TIMESTAMPTZ) AS timezone(z, t)`,
];

/** Creates the macros the rewritten forms call, once per database (its forks all see them). */
export function registerTrinoMacros(engine: Engine): Promise<void> {
  return engine.oncePerDatabase('trino-macros', async () => {
    for (const m of MACROS) await execSql(engine, m, 'query');
  });
}
