/**
 * The typical jobs of a Glue/Athena lakehouse moved onto Silt, written as silt.yaml and models
 * only, give the numbers the same logic gives computed independently (plain TypeScript over the
 * generated raw records): customers and transactions (latest wins, derived columns, a threshold),
 * IoT events landed in hive-style folders, sales with JSON carts exploded into lines, API pages
 * read by `records:`, and gold aggregates over them.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { withProject } from '../project/index.js';
import { cliOk, contentDigests, projectQuery, removeDir, smallProject, tempDir } from '../testing/pipeline-project.js';

const YAML = `
sources:
  customers: { path: customers/, format: csv }
  transactions: { path: transactions/, format: csv }
  iot: { path: iot/, format: ndjson }
  sales: { path: sales/, format: ndjson }
  api_users: { path: api/users/, format: json, records: data }
silver:
  customers:
    source: bronze.customers
    key: customer_id
    order_by: updated_at
    columns:
      customer_id: { type: long }
      first_name: { type: string }
      last_name: { type: string }
      country: { type: string, case: upper }
      updated_at: { type: timestamp }
      full_name: { expr: "first_name || ' ' || last_name" }
  transactions:
    source: bronze.transactions
    key: txn_id
    order_by: updated_at
    max_invalid_ratio: 0.1
    columns:
      txn_id: { type: long }
      customer_id: { type: long }
      qty: { type: int }
      price: { type: 'decimal(10,2)' }
      ts: { type: timestamp }
      updated_at: { type: timestamp }
      total: { expr: "qty * price", type: 'decimal(12,2)' }
      txn_day: { expr: "CAST(ts AS DATE)" }
      size: { expr: "CASE WHEN qty * price >= 100 THEN 'big' ELSE 'small' END" }
  iot:
    source: bronze.iot
    key: [device_id, ts]
    columns:
      device_id: { type: string }
      ts: { type: timestamp }
      temp: { type: 'decimal(6,1)' }
  sales:
    source: bronze.sales
    key: sale_id
    order_by: updated_at
    columns:
      sale_id: { type: long }
      updated_at: { type: timestamp }
    explode:
      column: cart
      into: sale_lines
      position: line_no
      columns:
        sku: { type: string }
        qty: { type: int }
        price: { type: 'decimal(10,2)' }
  api_users:
    source: bronze.api_users
    key: id
    columns:
      id: { type: long }
      plan: { type: string }
`;

const MODELS = {
  'revenue_by_country.sql': 'SELECT c.country, count(*) AS txns, sum(t.total) AS revenue FROM silver.transactions t JOIN silver.customers c ON c.customer_id = t.customer_id GROUP BY c.country',
  'daily_revenue.sql': "SELECT txn_day, sum(total) AS revenue, count(*) FILTER (WHERE size = 'big') AS big_txns FROM silver.transactions GROUP BY txn_day",
  'device_stats.sql': 'SELECT device_id, count(*) AS readings, sum(temp) AS temp_sum, max(temp) AS temp_max FROM silver.iot GROUP BY device_id',
  'sku_revenue.sql': 'SELECT sku, sum(qty) AS units, sum(qty * price) AS revenue FROM silver.sale_lines GROUP BY sku',
  'users_by_plan.sql': 'SELECT plan, count(*) AS users FROM silver.api_users GROUP BY plan',
};

/** A small deterministic generator: the same raw files every run. */
function rng(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
}
const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const cents = (c: number) => `${Math.trunc(c / 100)}.${String(c % 100).padStart(2, '0')}`;
const day = (d: number, h = 10) => `2026-11-${String(d).padStart(2, '0')} ${String(h).padStart(2, '0')}:00:00`;

interface Raw {
  landing: Record<string, string>;
  truth: Record<string, string[][]>;
}

function generate(): Raw {
  const r = rng(21);
  const landing: Record<string, string> = {};
  const COUNTRIES = ['de', 'fr', 'nl', 'es'];

  // Customers: a first version of each, then newer versions for some and one older (which loses).
  const country = new Map<number, string>();
  const c1 = ['customer_id,first_name,last_name,country,updated_at'];
  const c2 = [...c1];
  for (let id = 1; id <= 20; id++) {
    const c = pick(r, COUNTRIES);
    c1.push(`${id},F${id},L${id},${c},${day(1)}`);
    country.set(id, c);
    if (id % 3 === 0) {
      const newer = pick(r, COUNTRIES);
      c2.push(`${id},F${id},L${id},${newer},${day(5)}`);
      country.set(id, newer);
    }
  }
  c2.push(`7,F7,L7,zz,${day(1, 1)}`);
  landing['customers/c1.csv'] = c1.join('\n') + '\n';
  landing['customers/c2.csv'] = c2.join('\n') + '\n';

  // Transactions: 200, then corrections of the first ten (later updated_at wins) and five whose qty is no number.
  const txn = new Map<number, { customer: number; qty: number; price: number; day: number }>();
  const t1 = ['txn_id,customer_id,qty,price,ts,updated_at'];
  const t2 = [...t1];
  for (let id = 1; id <= 200; id++) {
    const t = { customer: 1 + Math.floor(r() * 20), qty: 1 + Math.floor(r() * 5), price: 100 + Math.floor(r() * 4000), day: 1 + Math.floor(r() * 7) };
    txn.set(id, t);
    t1.push(`${id},${t.customer},${t.qty},${cents(t.price)},${day(t.day, 9)},${day(t.day, 9)}`);
  }
  for (let id = 1; id <= 10; id++) {
    const t = { ...txn.get(id)!, qty: 7 };
    txn.set(id, t);
    t2.push(`${id},${t.customer},${t.qty},${cents(t.price)},${day(t.day, 9)},${day(20)}`);
  }
  for (let id = 201; id <= 205; id++) t2.push(`${id},1,x,1.00,${day(2)},${day(2)}`);
  landing['transactions/t1.csv'] = t1.join('\n') + '\n';
  landing['transactions/t2.csv'] = t2.join('\n') + '\n';

  // IoT events in hive-style folders: one file per device and day.
  const iot = new Map<string, number[]>();
  for (const device of ['d1', 'd2', 'd3']) {
    for (let d = 1; d <= 3; d++) {
      const lines: string[] = [];
      for (let h = 0; h < 8; h++) {
        const tenths = 150 + Math.floor(r() * 100);
        iot.set(device, [...(iot.get(device) ?? []), tenths]);
        lines.push(JSON.stringify({ device_id: device, ts: day(d, h), temp: tenths / 10 }));
      }
      landing[`iot/year=2026/month=11/day=0${d}/${device}.ndjson`] = lines.join('\n') + '\n';
    }
  }

  // Sales with carts; sale 3 is sent again later with another cart, which replaces the first.
  const carts = new Map<number, { sku: string; qty: number; price: number }[]>();
  const cart = () => Array.from({ length: 1 + Math.floor(r() * 3) }, () => ({ sku: pick(r, ['a', 'b', 'c', 'd']), qty: 1 + Math.floor(r() * 3), price: 50 + Math.floor(r() * 1000) }));
  const sale = (id: number, updated: string, items: { sku: string; qty: number; price: number }[]) =>
    JSON.stringify({ sale_id: id, updated_at: updated, cart: items.map((i) => ({ sku: i.sku, qty: i.qty, price: cents(i.price) })) });
  const s1: string[] = [];
  for (let id = 1; id <= 30; id++) {
    carts.set(id, cart());
    s1.push(sale(id, day(1), carts.get(id)!));
  }
  carts.set(3, cart());
  landing['sales/s1.ndjson'] = s1.join('\n') + '\n';
  landing['sales/s2.ndjson'] = sale(3, day(4), carts.get(3)!) + '\n';

  // API pages: {"data": [...], "next": …}.
  const plans = new Map<number, string>();
  for (const page of [1, 2, 3]) {
    const data = Array.from({ length: 5 }, (_, i) => {
      const id = (page - 1) * 5 + i + 1;
      plans.set(id, pick(r, ['free', 'pro', 'team']));
      return { id, plan: plans.get(id) };
    });
    landing[`api/users/page${page}.json`] = JSON.stringify({ data, next: page < 3 ? `page${page + 1}` : null });
  }

  // The numbers, computed from the records above.
  const group = <K, V>(entries: Iterable<[K, V]>, add: (acc: V | undefined, v: V) => V): Map<K, V> => {
    const m = new Map<K, V>();
    for (const [k, v] of entries) m.set(k, add(m.get(k), v));
    return m;
  };
  const sorted = (m: Map<string, string[]>) => [...m.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, ...v]);
  const byCountry = group([...txn.values()].map((t) => [country.get(t.customer)!.toUpperCase(), [1, t.qty * t.price]] as [string, number[]]), (a, v) => (a ? [a[0]! + v[0]!, a[1]! + v[1]!] : v));
  const byDay = group([...txn.values()].map((t) => [day(t.day).slice(0, 10), [t.qty * t.price, t.qty * t.price >= 10000 ? 1 : 0]] as [string, number[]]), (a, v) => (a ? [a[0]! + v[0]!, a[1]! + v[1]!] : v));
  const bySku = group([...carts.values()].flat().map((i) => [i.sku, [i.qty, i.qty * i.price]] as [string, number[]]), (a, v) => (a ? [a[0]! + v[0]!, a[1]! + v[1]!] : v));
  const byPlan = group([...plans.values()].map((p) => [p, 1] as [string, number]), (a, v) => (a ?? 0) + v);
  const tenth = (t: number) => `${Math.trunc(t / 10)}.${t % 10}`;
  return {
    landing,
    truth: {
      revenue_by_country: sorted(new Map([...byCountry].map(([k, [n, c]]) => [k, [String(n), cents(c!)]]))),
      daily_revenue: sorted(new Map([...byDay].map(([k, [c, big]]) => [k, [cents(c!), String(big)]]))),
      device_stats: sorted(new Map([...iot].map(([k, ts]) => [k, [String(ts.length), tenth(ts.reduce((a, b) => a + b, 0)), tenth(Math.max(...ts))]]))),
      sku_revenue: sorted(new Map([...bySku].map(([k, [u, c]]) => [k, [String(u), cents(c!)]]))),
      users_by_plan: sorted(new Map([...byPlan].map(([k, n]) => [k, [String(n)]]))),
    },
  };
}

describe('the jobs of a migration, declared in silt.yaml and models only', () => {
  let root: string;
  let dir: string;
  const raw = generate();

  before(async () => {
    root = await tempDir('migration-jobs');
    dir = await smallProject(path.join(root, 'p'), YAML, raw.landing, MODELS);
    await cliOk(dir, 'run');
  });
  after(async () => removeDir(root));

  for (const model of Object.keys(MODELS).map((f) => f.replace('.sql', ''))) {
    test(`gold.${model} holds the numbers computed from the raw files`, async () => {
      const columns = { revenue_by_country: 'country, txns, revenue', daily_revenue: 'CAST(txn_day AS VARCHAR), revenue, big_txns', device_stats: 'device_id, readings, temp_sum, temp_max', sku_revenue: 'sku, units, revenue', users_by_plan: 'plan, users' }[model];
      assert.ok(raw.truth[model]!.length >= 3, `${model}: ${JSON.stringify(raw.truth[model])}`);
      assert.deepEqual(await projectQuery(dir, `SELECT ${columns} FROM gold.${model} ORDER BY 1`), raw.truth[model]);
    });
  }

  test('every input row is in silver or its quarantine: the five transactions whose qty is no number are held, with their reason', async () => {
    assert.deepEqual(await projectQuery(dir, 'SELECT count(*) FROM silver.transactions'), [['200']]);
    assert.deepEqual(await projectQuery(dir, 'SELECT count(*), min(reason) FROM silver.transactions_quarantine'), [['5', 'qty: cannot read "x" as int']]);
    assert.deepEqual(await projectQuery(dir, "SELECT country FROM silver.customers WHERE customer_id = 7"), [[raw.landing['customers/c1.csv']!.split('\n')[7]!.split(',')[3]!.toUpperCase()]]);
  });

  test('a rerun changes no table', async () => {
    const digests = () => withProject({ projectDir: dir }, (p) => contentDigests(p, ['silver', 'gold'], ['run_id', 'quarantined_at', '_batch_key']));
    const before = await digests();
    await cliOk(dir, 'run');
    assert.deepEqual(await digests(), before);
  });
});
