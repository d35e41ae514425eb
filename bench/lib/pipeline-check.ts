/**
 * Did every side do the same work? One aggregate row per table (counts, sums, a masked value),
 * asked of Silt through `silt query` and of the peers' Parquet folders through DuckDB, compared
 * with a tolerance for float sums (pandas and Polars keep amounts as doubles).
 */
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { silt } from './silt.js';

type Row = Record<string, string | null>;
export type Fingerprint = Record<string, Row>;

const SOURCES = ['customers', 'orders', 'payments', 'sensors', 'web_events'];
const SILVER = ['customers', 'orders', 'payments', 'sensor_readings', 'web_events'];

const CHECKS: [table: string, select: string][] = [
  ...SOURCES.flatMap((s): [string, string][] => [[`bronze.${s}`, 'count(*) AS rows'], [`bronze.${s}_rejects`, 'count(*) AS rows']]),
  ...SILVER.map((s): [string, string] => [`silver.${s}_quarantine`, "count(*) AS rows, count(*) FILTER (WHERE rule = 'references') AS refs"]),
  ['silver.customers', 'count(*) AS rows, min(email) AS email, min(name) AS name, min(phone) AS phone'],
  ['silver.orders', 'count(*) AS rows, round(sum(amount), 2) AS amount, min(email) AS email, min(phone) AS phone, max(updated_at)::VARCHAR AS updated'],
  ['silver.payments', 'count(*) AS rows, round(sum(amount), 2) AS amount, min(card_number) AS card'],
  ['silver.sensor_readings', 'count(*) AS rows, round(sum(temperature), 3) AS temperature, count(humidity) AS humidity'],
  ['silver.web_events', 'count(*) AS rows, count(customer_id) AS customers'],
  ['gold.daily_sales', 'count(*) AS rows, sum(orders) AS orders, sum(customers) AS customers, round(sum(revenue), 2) AS revenue'],
  ['gold.orders_by_status', 'count(*) AS rows, sum(orders) AS orders, round(sum(amount), 2) AS amount'],
  ['gold.customer_lifetime_value', 'count(*) AS rows, sum(orders) AS orders, round(sum(lifetime_value), 2) AS ltv, min(CAST(first_order_date AS DATE))::VARCHAR AS first, min(name) AS name'],
  ['gold.sensor_hourly_summary', 'count(*) AS rows, sum(readings) AS readings, round(sum(avg_temperature), 2) AS avg_t, min(min_battery) AS battery'],
];

export async function siltFingerprint(project: string): Promise<Fingerprint> {
  const out: Fingerprint = {};
  for (const [table, select] of CHECKS) {
    const run = await silt(project, ['query', '--format', 'json', `SELECT ${select} FROM ${table}`]);
    out[table] = JSON.parse(run.stdout.trim().split('\n')[0]!) as Row;
  }
  return out;
}

/** A peer's output: `<out>/<layer>/<table>/*.parquet`. */
export async function peerFingerprint(outDir: string): Promise<Fingerprint> {
  const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
  const connection = await instance.connect();
  const out: Fingerprint = {};
  try {
    for (const [table, select] of CHECKS) {
      const [layer, name] = table.split('.') as [string, string];
      const glob = path.join(outDir, layer, name, '*.parquet').replaceAll("'", "''");
      const reader = await connection.runAndReadAll(`SELECT ${select} FROM read_parquet('${glob}')`);
      out[table] = reader.getRowObjectsJson()[0] as Row;
    }
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
  return out;
}

/** Lines naming each value that differs from the reference; empty when all agree. */
export function compareFingerprints(reference: Fingerprint, other: Fingerprint): string[] {
  const diffs: string[] = [];
  for (const [table, row] of Object.entries(reference)) {
    for (const [key, want] of Object.entries(row)) {
      const got = other[table]?.[key] ?? null;
      if (!same(want, got)) diffs.push(`${table}.${key}: ${JSON.stringify(want)} vs ${JSON.stringify(got)}`);
    }
  }
  return diffs;
}

function same(a: string | null, b: string | null): boolean {
  if (a === b) return true;
  if (a === null || b === null) return false;
  const x = Number(a);
  const y = Number(b);
  if (Number.isFinite(x) && Number.isFinite(y)) return Math.abs(x - y) <= 1e-6 * Math.max(1, Math.abs(x), Math.abs(y));
  // Timestamps printed with or without a zero fraction or time zone.
  return a.replace(/(\.0+)?(\+00(:00)?|Z)?$/, '') === b.replace(/(\.0+)?(\+00(:00)?|Z)?$/, '');
}
