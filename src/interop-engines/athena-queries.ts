/**
 * The table and the Athena-form queries the Trino comparison runs ($T is the table's name in each
 * engine). The rows cover month ends, the leap day, both 2020 DST changes of the US and Europe,
 * NULLs in every column, empty and NULL arrays and text that is not a number.
 */
export interface AthenaQuery {
  name: string;
  sql: string;
  /** Set where Trino's answer is an estimate: numbers within this fraction agree. */
  tolerance?: number;
  /** Why Silt's answer is known to differ from Trino's (the test checks it still does, so a fix removes this). */
  differs?: string;
}

export const EVENTS_SQL = `CREATE TABLE athena.events AS
SELECT
  CAST(i AS INTEGER) AS id,
  CASE WHEN i % 37 = 0 THEN NULL ELSE CAST(DATE '2019-12-01' + CAST(i AS INTEGER) AS DATE) END AS d,
  CASE WHEN i % 43 = 0 THEN NULL ELSE TIMESTAMP '2020-03-06 12:00:00.250000' + to_minutes(CAST(i * 23 AS BIGINT)) END AS ts,
  CASE WHEN i % 47 = 0 THEN NULL ELSE TIMESTAMPTZ '2020-10-24 00:00:00+00' + to_minutes(CAST(i * 47 AS BIGINT)) END AS tstz,
  CASE WHEN i % 41 = 0 THEN NULL ELSE ['ab', 'CD', 'x1', 'order'][i % 4 + 1] || '-' || lpad(CAST(i AS VARCHAR), 3, '0') || CASE WHEN i % 5 = 0 THEN ' vip' ELSE '' END END AS s,
  strftime(TIMESTAMP '2020-05-11 11:15:05' + to_minutes(CAST(i * 131 AS BIGINT)), '%Y-%m-%dT%H:%M:%S') || ['Z', '+02:00', '-05:30', '.250Z', '+00:00'][i % 5 + 1] AS iso,
  CASE WHEN i % 29 = 0 THEN NULL ELSE list_transform(range(CAST(i % 4 AS BIGINT)), x -> 'tag' || CAST((i + x) % 7 AS VARCHAR)) END AS tags,
  CASE WHEN i % 31 = 0 THEN NULL ELSE CAST((i * 7919) % 1000 - 200 AS INTEGER) END AS n,
  CASE WHEN i % 23 = 0 THEN NULL ELSE CAST(((i * 37) % 10000) / 100.0 AS DECIMAL(10, 2)) END AS amount,
  CASE WHEN i % 3 = 0 THEN CAST(i AS VARCHAR) WHEN i % 3 = 1 THEN 'x' || CAST(i AS VARCHAR) ELSE CAST(i / 4.0 AS VARCHAR) END AS maybe_num
FROM range(1, 301) r(i)`;

const q = (name: string, sql: string, tolerance?: number): AthenaQuery => (tolerance === undefined ? { name, sql } : { name, sql, tolerance });
const OWN_OFFSET = "Trino's from_iso8601_timestamp keeps the text's offset as the value's zone, so hour() and CAST(… AS DATE) are the offset's; Silt's value is an instant, read at UTC";

export const ATHENA_QUERIES: readonly AthenaQuery[] = [
  q('date_add day, both signs', "SELECT id, date_add('day', 3, d) AS a, date_add('day', -45, d) AS b FROM $T"),
  q('date_add month at month ends and the leap day', "SELECT id, date_add('month', 1, d) AS a, date_add('month', -1, d) AS b FROM $T"),
  q('date_add year and quarter', "SELECT id, date_add('year', 1, d) AS a, date_add('quarter', -1, d) AS b FROM $T"),
  q('date_add week', "SELECT id, date_add('week', 2, d) AS a FROM $T"),
  q('date_add hour and minute to a timestamp', "SELECT id, date_add('hour', 5, ts) AS a, date_add('minute', -90, ts) AS b FROM $T"),
  q('date_add second and millisecond', "SELECT id, date_add('second', 3600, ts) AS a, date_add('millisecond', 1500, ts) AS b FROM $T"),
  q('date_add to a timestamp with zone', "SELECT id, date_add('day', 1, tstz) AS a, date_add('hour', -3, tstz) AS b FROM $T"),
  q('date_add by a column with NULLs', "SELECT id, date_add('day', n, d) AS a FROM $T"),
  q('date_diff day across the leap day', "SELECT id, date_diff('day', DATE '2020-02-29', d) AS a FROM $T"),
  q('date_diff month and year', "SELECT id, date_diff('month', d, DATE '2020-12-31') AS a, date_diff('year', DATE '2019-02-28', d) AS b FROM $T"),
  q('date_diff week and quarter', "SELECT id, date_diff('week', d, DATE '2020-06-01') AS a, date_diff('quarter', DATE '2019-11-30', d) AS b FROM $T"),
  q('date_diff hour and minute on timestamps', "SELECT id, date_diff('hour', ts, TIMESTAMP '2020-03-08 03:30:00') AS a, date_diff('minute', TIMESTAMP '2020-03-07 00:00:00', ts) AS b FROM $T"),
  q('date_diff second and millisecond', "SELECT id, date_diff('second', ts, TIMESTAMP '2020-03-08 00:00:00.999') AS a, date_diff('millisecond', TIMESTAMP '2020-03-08 00:00:00', ts) AS b FROM $T"),
  q('date_diff on timestamps with zone', "SELECT id, date_diff('hour', from_iso8601_timestamp('2020-11-01T00:00:00Z'), tstz) AS a, date_diff('day', tstz, from_iso8601_timestamp('2020-11-03T00:00:00Z')) AS b FROM $T"),
  q('date_trunc of dates', "SELECT id, date_trunc('month', d) AS a, date_trunc('week', d) AS b, date_trunc('quarter', d) AS c, date_trunc('year', d) AS e FROM $T"),
  q('date_trunc of timestamps', "SELECT id, date_trunc('hour', ts) AS a, date_trunc('minute', ts) AS b, date_trunc('day', ts) AS c, date_trunc('second', ts) AS e FROM $T"),
  q('date_trunc of a timestamp with zone', "SELECT id, date_trunc('day', tstz) AS a, date_trunc('hour', tstz) AS b FROM $T"),
  q('grouped by date_trunc month', "SELECT date_trunc('month', d) AS m, count(*) AS c FROM $T GROUP BY date_trunc('month', d)"),
  q("INTERVAL '7' DAY and '1' MONTH on dates", "SELECT id, d + INTERVAL '7' DAY AS a, d - INTERVAL '1' MONTH AS b FROM $T"),
  q("INTERVAL '1' YEAR and a negative interval", "SELECT id, d + INTERVAL '1' YEAR AS a, d + INTERVAL '-3' DAY AS b FROM $T"),
  q('INTERVAL on timestamps', "SELECT id, ts + INTERVAL '90' MINUTE AS a, ts - INTERVAL '2' HOUR AS b, ts + INTERVAL '1' MONTH AS c FROM $T"),
  q('INTERVAL in a WHERE around the leap day', "SELECT id, d FROM $T WHERE d >= DATE '2020-02-29' - INTERVAL '7' DAY AND d < DATE '2020-02-29' + INTERVAL '1' DAY"),
  q('INTERVAL on a timestamp with zone', "SELECT id, tstz + INTERVAL '1' DAY AS a, tstz - INTERVAL '30' MINUTE AS b FROM $T"),
  q('from_iso8601_timestamp as seconds since the epoch', "SELECT id, date_diff('second', from_iso8601_timestamp('1970-01-01T00:00:00Z'), from_iso8601_timestamp(iso)) AS a FROM $T"),
  q('hour and minute of from_iso8601_timestamp at UTC', "SELECT id, hour(from_iso8601_timestamp(iso) AT TIME ZONE 'UTC') AS a, minute(from_iso8601_timestamp(iso) AT TIME ZONE 'UTC') AS b FROM $T"),
  { ...q('hour of from_iso8601_timestamp in its own offset', "SELECT id, hour(from_iso8601_timestamp(iso)) AS a FROM $T"), differs: OWN_OFFSET },
  { ...q('date of from_iso8601_timestamp in its own offset', "SELECT id, CAST(from_iso8601_timestamp(iso) AS DATE) AS a FROM $T"), differs: OWN_OFFSET },
  q('from_iso8601_timestamp compared', "SELECT count(*) AS c FROM $T WHERE from_iso8601_timestamp(iso) < from_iso8601_timestamp('2020-05-20T00:00:00+02:00')"),
  q('from_iso8601_date', "SELECT id, from_iso8601_date(substr(iso, 1, 10)) AS a FROM $T"),
  q('approx_distinct of several columns', 'SELECT approx_distinct(s) AS a, approx_distinct(n) AS b, approx_distinct(d) AS c, approx_distinct(tstz) AS e FROM $T', 0.023 * 3),
  q('approx_distinct by group', 'SELECT id % 4 AS g, approx_distinct(n) AS a FROM $T GROUP BY id % 4', 0.023 * 3),
  q('approx_percentile at 0 and 1 (exact) and 0.5', 'SELECT approx_percentile(n, 0) AS lo, approx_percentile(n, 1) AS hi FROM $T'),
  q('approx_percentile at 0.5', 'SELECT approx_percentile(n, 0.5) AS mid, approx_percentile(amount, 0.25) AS q1 FROM $T', 0.02),
  q('approx_percentile by group', 'SELECT id % 3 AS g, approx_percentile(n, 0.5) AS mid FROM $T GROUP BY id % 3', 0.05),
  q('regexp_like anchored and unanchored', "SELECT id, regexp_like(s, '^ab-') AS a, regexp_like(s, '\\d{3} vip$') AS b, regexp_like(s, 'cd') AS c FROM $T"),
  q('regexp_like in a WHERE with alternation', "SELECT count(*) AS c FROM $T WHERE regexp_like(s, '^(x1|order)-0[0-4]')"),
  q('regexp_like with classes and a flag', "SELECT id, regexp_like(s, '\\s') AS a, regexp_like(s, '(?i)cd') AS b, regexp_like(s, '[0-9]{3}$') AS c FROM $T"),
  q('element_at first, last and past the end', 'SELECT id, element_at(tags, 1) AS a, element_at(tags, -1) AS b, element_at(tags, 5) AS c, element_at(tags, -5) AS e FROM $T'),
  q('element_at of a map', "SELECT id, element_at(MAP(ARRAY['a', 'b'], ARRAY[id, n]), 'b') AS a, element_at(MAP(ARRAY['a'], ARRAY[id]), 'z') AS b FROM $T"),
  q('CAST(… AS VARCHAR) of numbers and dates', 'SELECT id, CAST(id AS VARCHAR) AS a, CAST(amount AS VARCHAR) AS b, CAST(d AS VARCHAR) AS c, CAST(n > 0 AS VARCHAR) AS e FROM $T'),
  q('CAST(… AS VARCHAR) in a concatenation', "SELECT id, CAST(id AS VARCHAR) || '/' || CAST(d AS VARCHAR) AS a FROM $T"),
  q('try_cast of text to numbers', 'SELECT id, try_cast(maybe_num AS INTEGER) AS a, try_cast(maybe_num AS DOUBLE) AS b, try_cast(maybe_num AS DECIMAL(10, 2)) AS c FROM $T'),
  q('try_cast of text to dates', "SELECT id, try_cast(s AS DATE) AS a, try_cast(substr(iso, 1, 10) AS DATE) AS b, try_cast('2020-02-30' AS DATE) AS c FROM $T"),
  q('UNNEST WITH ORDINALITY beside the table', 'SELECT id, tag, ord FROM $T CROSS JOIN UNNEST(tags) WITH ORDINALITY AS u(tag, ord)'),
  q('UNNEST WITH ORDINALITY joined back', 'SELECT e.id, u.tag, u.ord, e.s FROM $T e JOIN (SELECT id, tag, ord FROM $T CROSS JOIN UNNEST(tags) WITH ORDINALITY AS x(tag, ord)) u ON u.id = e.id WHERE u.ord = 2'),
  q('UNNEST WITH ORDINALITY counted by position', 'SELECT ord, count(*) AS c FROM $T CROSS JOIN UNNEST(tags) WITH ORDINALITY AS u(tag, ord) GROUP BY ord'),
  q('AT TIME ZONE over the US spring change', "SELECT id, hour(ts AT TIME ZONE 'America/New_York') AS a, CAST(ts AT TIME ZONE 'America/New_York' AS DATE) AS b FROM $T"),
  q('AT TIME ZONE over the European autumn change', "SELECT id, hour(tstz AT TIME ZONE 'Europe/Berlin') AS a, day(tstz AT TIME ZONE 'Europe/Berlin') AS b FROM $T"),
  q('AT TIME ZONE over the US autumn change', "SELECT id, hour(tstz AT TIME ZONE 'America/Los_Angeles') AS a, CAST(tstz AT TIME ZONE 'America/Los_Angeles' AS DATE) AS b FROM $T"),
  q('AT TIME ZONE at a half-hour offset', "SELECT id, hour(tstz AT TIME ZONE 'Asia/Kolkata') AS a, minute(tstz AT TIME ZONE 'Asia/Kolkata') AS b FROM $T"),
  q('AT TIME ZONE grouped by local day', "SELECT CAST(tstz AT TIME ZONE 'America/New_York' AS DATE) AS day, count(*) AS c FROM $T GROUP BY 1"),
];
