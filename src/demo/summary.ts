import type { Catalog } from '../catalog/index.js';
import type { Cell, SqlSession } from '../engine/index.js';

export interface DemoSummary {
  tables: { table: string; rows: number; files: number }[];
  quarantine: { table: string; rule: string; rows: number }[];
  rejects: { table: string; rows: number }[];
  figures: { label: string; value: string }[];
}

/** Tables and rows per layer, quarantined rows by rule, and a few gold figures. */
export async function demoSummary(catalog: Catalog, sql: SqlSession): Promise<DemoSummary> {
  const tables: DemoSummary['tables'] = [];
  for (const t of await catalog.listTables()) {
    const m = (await catalog.loadTable(t.namespace, t.name)).metadata;
    const current = m.snapshots.find((s) => s['snapshot-id'] === m['current-snapshot-id']);
    tables.push({
      table: `${t.namespace}.${t.name}`,
      rows: Number(current?.summary['total-records'] ?? 0),
      files: Number(current?.summary['total-data-files'] ?? 0),
    });
  }
  const quarantine: DemoSummary['quarantine'] = [];
  const rejects: DemoSummary['rejects'] = [];
  for (const t of tables) {
    if (t.table.startsWith('silver.') && t.table.endsWith('_quarantine') && t.rows > 0) {
      for (const r of await rows(sql, `SELECT rule || coalesce('(' || "column" || ')', '') AS r, count(*) AS n FROM ${t.table} GROUP BY r ORDER BY n DESC, r`)) {
        quarantine.push({ table: t.table, rule: String(r[0]), rows: Number(r[1]) });
      }
    }
    if (t.table.startsWith('bronze.') && t.table.endsWith('_rejects')) rejects.push({ table: t.table, rows: t.rows });
  }
  const figures: DemoSummary['figures'] = [];
  const has = (name: string) => tables.some((t) => t.table === name && t.rows > 0);
  if (has('gold.daily_sales')) {
    const [r] = await rows(sql, 'SELECT sum(orders), sum(revenue), count(*) FROM gold.daily_sales');
    figures.push({ label: 'orders (not cancelled)', value: fmt(r?.[0]) });
    figures.push({ label: 'revenue', value: fmt(r?.[1]) });
    figures.push({ label: 'days with sales', value: fmt(r?.[2]) });
    const [best] = await rows(sql, 'SELECT order_date, revenue FROM gold.daily_sales ORDER BY revenue DESC, order_date LIMIT 1');
    if (best) figures.push({ label: 'best day', value: `${best[0]} (${fmt(best[1])})` });
  }
  if (has('gold.orders_by_status')) {
    const byStatus = await rows(sql, 'SELECT status, sum(orders) FROM gold.orders_by_status GROUP BY 1 ORDER BY 2 DESC, 1');
    figures.push({ label: 'orders by status', value: byStatus.map((r) => `${r[0]} ${fmt(r[1])}`).join(', ') });
  }
  if (has('gold.customer_lifetime_value')) {
    const [top] = await rows(sql, 'SELECT customer_id, lifetime_value FROM gold.customer_lifetime_value ORDER BY lifetime_value DESC, customer_id LIMIT 1');
    if (top) figures.push({ label: 'top customer by lifetime value', value: `#${top[0]} (${fmt(top[1])})` });
  }
  if (has('gold.sensor_hourly_summary')) {
    const [s] = await rows(sql, 'SELECT count(DISTINCT device_id), count(*), round(avg(avg_temperature), 1) FROM gold.sensor_hourly_summary');
    figures.push({ label: 'sensors', value: `${fmt(s?.[0])} devices, ${fmt(s?.[1])} device-hours, mean ${fmt(s?.[2])} °C` });
  }
  return { tables, quarantine, rejects, figures };
}

async function rows(sql: SqlSession, query: string): Promise<Cell[][]> {
  return (await sql.execute(query)).rows;
}

function fmt(v: Cell | undefined): string {
  if (v === null || v === undefined) return '-';
  const n = Number(v);
  return Number.isFinite(n) && String(v).trim() !== '' ? n.toLocaleString('en-US', { maximumFractionDigits: 2 }) : String(v);
}
