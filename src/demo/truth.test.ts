import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { DEMO_RULES, WINDOW_END, WINDOW_START, generateDemoData, type DemoTruth, type SourceTruth } from './index.js';

// Re-counts every injected defect by parsing the files, independently of the generator's code.

let dir = '';
let truth: DemoTruth;
before(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'silt-demo-truth-'));
  truth = (await generateDemoData(dir, { rows: 3000, seed: 2026 })).truth;
});
after(() => fs.rm(dir, { recursive: true, force: true }));

async function lines(source: string, header?: string): Promise<string[]> {
  const out: string[] = [];
  const folder = path.join(dir, 'landing', source);
  for (const name of (await fs.readdir(folder)).sort()) {
    const all = (await fs.readFile(path.join(folder, name), 'utf8')).split('\n');
    assert.equal(all.pop(), '', `${name} ends with a newline`);
    if (header !== undefined) assert.equal(all.shift(), header, `${name} header`);
    out.push(...all);
  }
  return out;
}

function parseCsv(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let v = '';
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        assert.ok(q >= 0, `unbalanced quote in ${line}`);
        v += line.slice(i, q);
        if (line[q + 1] === '"') {
          v += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      out.push(v);
      if (i >= line.length) return out;
      i++;
    } else {
      const c = line.indexOf(',', i);
      if (c < 0) return [...out, line.slice(i)];
      out.push(line.slice(i, c));
      i = c + 1;
    }
  }
}

/** Splits lines into exact duplicates (dropped, counted) and the first copies. */
function dedupe(all: string[]): { unique: string[]; duplicates: number } {
  const seen = new Set<string>();
  const unique = all.filter((l) => !seen.has(l) && seen.add(l));
  return { unique, duplicates: all.length - unique.length };
}

function utc(y: number, mo: number, d: number, h: number, mi: number, s: number): number | null {
  const t = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(t);
  const ok = back.getUTCMonth() === mo - 1 && back.getUTCDate() === d && h < 24 && mi < 60 && s < 60;
  return ok ? t / 1000 : null;
}

/** Seconds for 'YYYY-MM-DD HH:MM:SS' or 'MM/DD/YYYY HH:MM', and which format; null if neither. */
function parseOrderTs(v: string): { sec: number; us: boolean } | null {
  let m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(v);
  if (m) {
    const sec = utc(+m[1]!, +m[2]!, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
    return sec === null ? null : { sec, us: false };
  }
  m = /^(\d{2})\/(\d{2})\/(\d{4}) (\d{2}):(\d{2})$/.exec(v);
  if (m) {
    const sec = utc(+m[3]!, +m[1]!, +m[2]!, +m[4]!, +m[5]!, 0);
    return sec === null ? null : { sec, us: true };
  }
  return null;
}

function inWindow(sec: number): boolean {
  return sec >= WINDOW_START && sec < WINDOW_END;
}

function assertIdentity(name: string, t: SourceTruth): void {
  assert.equal(
    t.lines,
    t.cleanRecords + t.supersededVersions + t.duplicateLines + t.malformedLines + t.rejectedRows,
    `${name}: every line is accounted for exactly once`,
  );
}

const NULLS = new Set<string>(DEMO_RULES.nullTokens);
let customerIds = new Set<string>();

test('customers: re-count matches the truth', async () => {
  const all = await lines('customers', 'customer_id,name,email,phone,country,city,signup_date,segment');
  const { unique, duplicates } = dedupe(all);
  const rows = unique.map(parseCsv);
  assert.ok(rows.every((r) => r.length === 8));
  customerIds = new Set(rows.map((r) => r[0]!));
  const t = truth.customers;
  assert.equal(all.length, t.lines);
  assert.equal(duplicates, t.duplicateLines);
  assert.equal(customerIds.size, t.cleanRecords);
  assert.equal(rows.length, t.cleanRecords, 'one line per customer id apart from exact duplicates');
  assert.equal(rows.filter((r) => r[2] !== r[2]!.trim().toLowerCase()).length, t.nonCanonicalEmails);
  assert.equal(rows.flatMap((r) => [r[3]!, r[5]!, r[7]!]).filter((v) => NULLS.has(v)).length, t.nullTokens);
  assert.ok(rows.some((r) => r[5]!.includes(',')), 'a quoted city with a comma parses as one field');
  assert.ok(t.nonCanonicalEmails > 0 && t.nullTokens > 0 && t.duplicateLines > 0);
  assertIdentity('customers', t);
});

const orderAmounts = new Map<string, { amount: string; sec: number }>();

test('orders: re-count matches the truth', async () => {
  const header = 'order_id,customer_id,order_ts,status,amount,currency,email,phone,updated_at';
  const all = await lines('orders', header);
  const { unique, duplicates } = dedupe(all);
  const parsed = unique.map(parseCsv);
  const rows = parsed.filter((r) => r.length === 9);
  const c = {
    invalidStatuses: 0, malformedDates: 0, nullAmounts: 0, outOfRangeAmounts: 0,
    unknownCustomerRefs: 0, statusNeedsNormalization: 0, usFormatDates: 0,
  };
  const valid = new Set<string>(DEMO_RULES.orders.statuses);
  const latest = new Map<string, string[]>();
  let superseded = 0;
  let rejected = 0;
  for (const r of rows) {
    const [id, customer, ts, status, amount] = r as [string, string, string, string, string];
    const defects: string[] = [];
    const norm = status.trim().toLowerCase();
    if (!valid.has(norm)) defects.push('invalidStatuses');
    else if (norm !== status) c.statusNeedsNormalization++;
    const when = parseOrderTs(ts);
    if (!when) defects.push('malformedDates');
    else {
      assert.ok(inWindow(when.sec), `order_ts ${ts} inside the window`);
      if (when.us) c.usFormatDates++;
    }
    if (amount === '' || amount === 'null') defects.push('nullAmounts');
    else if (!(Number(amount) > DEMO_RULES.orders.amount.min && Number(amount) < DEMO_RULES.orders.amount.max)) {
      assert.ok(Number(amount) < 0 || Number(amount) >= 1_000_000, `out-of-range amount ${amount}`);
      defects.push('outOfRangeAmounts');
    }
    if (!customerIds.has(customer)) defects.push('unknownCustomerRefs');
    assert.ok(defects.length <= 1, `one defect per row at most: ${r.join(',')}`);
    for (const d of defects) c[d as keyof typeof c]++;
    if (defects.length > 0) rejected++;
    const prev = latest.get(id);
    if (prev) {
      superseded++;
      assert.ok(r[8]! > prev[8]!, `order ${id}: the later line has the later updated_at`);
      assert.equal(prev[2], ts, `order ${id}: a new version keeps its order_ts`);
    }
    latest.set(id, r);
    if (when && defects.length === 0) orderAmounts.set(id, { amount, sec: when.sec });
  }
  const t = truth.orders;
  assert.equal(all.length, t.lines);
  assert.equal(duplicates, t.duplicateLines);
  assert.equal(parsed.length - rows.length, t.malformedLines);
  assert.equal(superseded, t.supersededVersions);
  assert.deepEqual(
    { ...c, rejectedRows: rejected },
    {
      invalidStatuses: t.invalidStatuses, malformedDates: t.malformedDates, nullAmounts: t.nullAmounts,
      outOfRangeAmounts: t.outOfRangeAmounts, unknownCustomerRefs: t.unknownCustomerRefs,
      statusNeedsNormalization: t.statusNeedsNormalization, usFormatDates: t.usFormatDates,
      rejectedRows: t.rejectedRows,
    },
  );
  assert.equal(latest.size - rejected, t.cleanRecords);

  // Realistic shape: shoppers buy in the evening, not at 3 am; a few customers buy often.
  const byHour = new Array<number>(24).fill(0);
  const byCustomer = new Map<string, number>();
  for (const r of rows) {
    const when = parseOrderTs(r[2]!);
    if (when) byHour[new Date(when.sec * 1000).getUTCHours()]!++;
    byCustomer.set(r[1]!, (byCustomer.get(r[1]!) ?? 0) + 1);
  }
  const evening = byHour[19]! + byHour[20]! + byHour[21]!;
  const night = byHour[2]! + byHour[3]! + byHour[4]!;
  assert.ok(evening > 5 * night, `evening ${evening} vs night ${night}`);
  const counts = [...byCustomer.values()].sort((a, b) => b - a);
  assert.ok(counts[0]! > 5 * counts[Math.floor(counts.length / 2)]!, 'order counts per customer are skewed');
  for (const [k, v] of Object.entries(c)) assert.ok(v > 0, `orders.${k} injected at least once`);
  assert.ok(t.supersededVersions > 0 && t.duplicateLines > 0 && t.malformedLines > 0);
  assertIdentity('orders', t);
});

function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let x = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) x = x * 2 > 9 ? x * 2 - 9 : x * 2;
    sum += x;
  }
  return sum % 10 === 0;
}

test('payments: re-count matches the truth', async () => {
  const all = await lines('payments', 'payment_id,order_id,paid_at,method,amount,card_number');
  const { unique, duplicates } = dedupe(all);
  const parsed = unique.map(parseCsv);
  const rows = parsed.filter((r) => r.length === 6);
  const methods = new Set<string>(DEMO_RULES.payments.methods);
  const c = { unknownOrderRefs: 0, invalidMethods: 0, nullAmounts: 0, cardNumbers: 0 };
  let rejected = 0;
  for (const [, order, paidAt, method, amount, card] of rows as [string, string, string, string, string, string][]) {
    const defects: (keyof typeof c)[] = [];
    const ordered = orderAmounts.get(order);
    if (!ordered) defects.push('unknownOrderRefs');
    if (!methods.has(method)) defects.push('invalidMethods');
    if (amount === '' || amount === 'null') defects.push('nullAmounts');
    assert.ok(defects.length <= 1, `one defect per payment at most: ${order} ${method} ${amount}`);
    for (const d of defects) c[d]++;
    if (defects.length > 0) rejected++;
    const sec = Date.parse(paidAt) / 1000;
    assert.ok(inWindow(sec), `paid_at ${paidAt} inside the window`);
    if (defects.length === 0 && ordered) {
      assert.equal(amount, ordered.amount, `payment for order ${order} pays its amount`);
      assert.ok(sec >= ordered.sec, `order ${order} is paid after it was placed`);
    }
    if (card !== '') {
      c.cardNumbers++;
      assert.equal(method, 'card');
      assert.ok(luhn(card.replaceAll(' ', '')), `card number ${card} passes Luhn`);
    }
  }
  const t = truth.payments;
  assert.equal(all.length, t.lines);
  assert.equal(duplicates, t.duplicateLines);
  assert.equal(parsed.length - rows.length, t.malformedLines);
  assert.equal(new Set(rows.map((r) => r[0])).size, rows.length, 'payment_id is a key');
  assert.deepEqual({ ...c, rejectedRows: rejected }, {
    unknownOrderRefs: t.unknownOrderRefs, invalidMethods: t.invalidMethods, nullAmounts: t.nullAmounts,
    cardNumbers: t.cardNumbers, rejectedRows: t.rejectedRows,
  });
  assert.equal(rows.length - rejected, t.cleanRecords);
  for (const [k, v] of Object.entries(c)) assert.ok(v > 0, `payments.${k} injected at least once`);
  assertIdentity('payments', t);
});

function tryJson(line: string): Record<string, unknown> | null {
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    return null;
  }
}

test('sensors: re-count matches the truth', async () => {
  const all = await lines('sensors');
  const { unique, duplicates } = dedupe(all);
  const readings = unique.map(tryJson);
  const ok = readings.filter((r) => r !== null);
  const c = { outlierReadings: 0, missingFields: 0, nullFields: 0 };
  const keys = new Set<string>();
  const devices = new Set<unknown>();
  for (const r of ok) {
    keys.add(`${String(r.device_id)}|${String(r.ts)}`);
    devices.add(r.device_id);
    assert.ok(inWindow(Date.parse(String(r.ts)) / 1000), `ts ${String(r.ts)} inside the window`);
    const temp = r.temperature as number;
    if (temp === 999 || temp === -273) c.outlierReadings++;
    else assert.ok(temp >= DEMO_RULES.sensors.temperature.min && temp <= DEMO_RULES.sensors.temperature.max, `temperature ${temp} in range`);
    const gaps = ['humidity', 'battery', 'location'];
    if (gaps.some((f) => !(f in r))) c.missingFields++;
    if (gaps.some((f) => r[f] === null)) c.nullFields++;
    const loc = r.location as { lat: number; lon: number } | null | undefined;
    if (loc) assert.ok(Math.abs(loc.lat) <= 90 && Math.abs(loc.lon) <= 180);
  }
  const t = truth.sensors;
  assert.equal(all.length, t.lines);
  assert.equal(duplicates, t.duplicateLines);
  assert.equal(readings.length - ok.length, t.malformedLines);
  assert.equal(keys.size, ok.length, 'device_id + ts is a key');
  assert.equal(devices.size, t.devices);
  assert.deepEqual(c, { outlierReadings: t.outlierReadings, missingFields: t.missingFields, nullFields: t.nullFields });
  assert.equal(t.rejectedRows, t.outlierReadings);
  assert.equal(ok.length - c.outlierReadings, t.cleanRecords);
  for (const [k, v] of Object.entries(c)) assert.ok(v > 0, `sensors.${k} injected at least once`);
  assertIdentity('sensors', t);
});

test('web events: re-count matches the truth', async () => {
  const all = await lines('web_events');
  const { unique, duplicates } = dedupe(all);
  const events = unique.map(tryJson);
  const ok = events.filter((e) => e !== null);
  const types = new Set<string>(DEMO_RULES.webEvents.eventTypes);
  const c = { invalidEventTypes: 0, unknownCustomerRefs: 0, anonymousEvents: 0 };
  let rejected = 0;
  for (const e of ok) {
    const invalid = !types.has(String(e.event_type));
    const unknown = e.customer_id !== null && !customerIds.has(String(e.customer_id));
    assert.ok(!(invalid && unknown));
    if (invalid) c.invalidEventTypes++;
    if (unknown) c.unknownCustomerRefs++;
    if (invalid || unknown) rejected++;
    else if (e.customer_id === null) c.anonymousEvents++;
    assert.equal(typeof e.properties, 'object');
    assert.ok(inWindow(Math.floor(Date.parse(String(e.ts)) / 1000)), `ts ${String(e.ts)} inside the window`);
  }
  const t = truth.webEvents;
  assert.equal(all.length, t.lines);
  assert.equal(duplicates, t.duplicateLines);
  assert.equal(events.length - ok.length, t.malformedLines);
  assert.equal(new Set(ok.map((e) => e.event_id)).size, ok.length, 'event_id is a key');
  assert.deepEqual({ ...c, rejectedRows: rejected }, {
    invalidEventTypes: t.invalidEventTypes, unknownCustomerRefs: t.unknownCustomerRefs,
    anonymousEvents: t.anonymousEvents, rejectedRows: t.rejectedRows,
  });
  assert.equal(ok.length - rejected, t.cleanRecords);
  for (const [k, v] of Object.entries(c)) assert.ok(v > 0, `webEvents.${k} injected at least once`);
  assertIdentity('webEvents', t);
});
