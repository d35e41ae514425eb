import { WINDOW_END, isoSpace, usMinutes } from './calendar.js';
import { centsToDecimal } from './catalog.js';
import type { DemoContext } from './context.js';
import { csvField } from './csv.js';
import { FileSeries } from './file-series.js';
import { Later } from './later.js';
import { INVALID_STATUSES, MALFORMED_DATES, messyStatus, orderAmount, orderStatus } from './order-values.js';
import { PaymentWriter } from './payments.js';
import { Rng, Weighted } from './prng.js';
import { Roll } from './roll.js';
import { Timeline } from './timeline.js';
import { emptySource, type OrdersTruth, type PaymentsTruth } from './truth.js';

const HEADER = 'order_id,customer_id,order_ts,status,amount,currency,email,phone,updated_at\n';

type Kind =
  | 'clean' | 'updated' | 'duplicated' | 'invalidStatus' | 'malformedDate' | 'nullAmount'
  | 'outOfRange' | 'unknownCustomer' | 'malformed';

const KINDS = new Weighted<Kind>([
  ['clean', 885], ['updated', 40], ['duplicated', 20], ['invalidStatus', 10], ['malformedDate', 10],
  ['nullAmount', 10], ['outOfRange', 8], ['unknownCustomer', 5], ['malformed', 3],
]);

interface Order {
  id: number;
  customer: number;
  sec: number;
  ts: string;
  status: string;
  amount: string;
  currency: string;
  email: string;
  phone: string;
}

/** A newer version of an order, re-sent later in the stream (latest `updated_at` wins). */
interface Update {
  order: Order;
  status: string;
}

/**
 * `landing/orders/*.csv` and, in the same pass, `landing/payments/*.csv` (a payment needs its
 * order's time and amount). Orders come in time order with the shop's seasonality.
 */
export async function writeOrders(ctx: DemoContext): Promise<{ orders: OrdersTruth; payments: PaymentsTruth }> {
  const rng = new Rng(ctx.seed, 'orders');
  const n = ctx.sizes.orders;
  const timeline = new Timeline(new Rng(ctx.seed, 'orders/timeline'));
  const series = new FileSeries(ctx.store, 'orders', 'csv', HEADER, ctx.onProgress);
  const payments = new PaymentWriter(ctx.store, ctx.seed, n, ctx.onProgress);
  const roll = new Roll(n, [series, payments.series]);
  const later = new Later<string | Update>();
  const t: OrdersTruth = {
    ...emptySource(), invalidStatuses: 0, malformedDates: 0, nullAmounts: 0, outOfRangeAmounts: 0,
    unknownCustomerRefs: 0, statusNeedsNormalization: 0, usFormatDates: 0,
  };

  const emit = (item: string | Update, nowSec: number): void => {
    if (typeof item === 'string') return series.add(item);
    const o = item.order;
    const updated = Math.max(o.sec + 1, Math.min(Math.max(o.sec + 60, nowSec), WINDOW_END - 1));
    series.add(orderLine({ ...o, status: item.status }, isoSpace(updated)));
  };

  try {
    let sec = 0;
    for (let i = 0; i < n; i++) {
      if (roll.due(i)) await roll.before(i);
      sec = timeline.at((i + rng.next()) / n);
      for (const item of later.take(i) ?? []) emit(item, sec);

      const kind = KINDS.draw(rng);
      const customer = kind === 'unknownCustomer' ? ctx.customers.unknown(rng) : ctx.customers.pick(rng);
      const profile = ctx.customers.profile(customer);
      const cents = orderAmount(rng);
      const o: Order = {
        id: i + 1, customer, sec, ts: isoSpace(sec), status: orderStatus(rng, WINDOW_END - sec),
        amount: centsToDecimal(cents), currency: profile.currency, email: profile.email,
        phone: profile.phone,
      };
      const updatedAt = isoSpace(sec);
      switch (kind) {
        case 'clean':
          if (rng.chance(0.05)) {
            o.ts = usMinutes(sec);
            t.usFormatDates++;
          }
          if (rng.chance(0.02)) {
            o.status = messyStatus(rng, o.status);
            t.statusNeedsNormalization++;
          }
          break;
        case 'updated':
          o.status = rng.chance(0.7) ? 'placed' : 'shipped';
          later.add(i + rng.int(1, roll.perFile), {
            order: { ...o },
            status: o.status === 'placed' ? (rng.chance(0.9) ? 'shipped' : 'cancelled') : 'delivered',
          });
          t.supersededVersions++;
          break;
        case 'invalidStatus':
          o.status = rng.pick(INVALID_STATUSES);
          t.invalidStatuses++;
          break;
        case 'malformedDate':
          o.ts = rng.pick(MALFORMED_DATES);
          t.malformedDates++;
          break;
        case 'nullAmount':
          o.amount = rng.chance(0.7) ? '' : 'null';
          t.nullAmounts++;
          break;
        case 'outOfRange':
          o.amount = rng.chance(0.6) ? `-${o.amount}` : centsToDecimal(rng.int(100_000_000, 999_999_999));
          t.outOfRangeAmounts++;
          break;
        case 'unknownCustomer':
          t.unknownCustomerRefs++;
          break;
        default:
          break;
      }
      let line = orderLine(o, updatedAt);
      if (kind === 'malformed') {
        line = malformedLine(rng, o, line);
        t.malformedLines++;
      }
      series.add(line);
      if (kind === 'duplicated') {
        later.add(i + rng.int(1, roll.perFile), line);
        t.duplicateLines++;
      }
      if (kind === 'clean' || kind === 'updated' || kind === 'duplicated') {
        t.cleanRecords++;
        payments.forOrder(o.id, sec, cents, roll.perFile);
      }
      if (series.full) await series.flush();
      if (payments.series.full) await payments.series.flush();
    }
    for (const item of later.rest()) emit(item, sec);
    payments.finishPending();
    await roll.finish();
  } catch (e) {
    await series.abort();
    await payments.series.abort();
    throw e;
  }
  t.rejectedRows =
    t.invalidStatuses + t.malformedDates + t.nullAmounts + t.outOfRangeAmounts + t.unknownCustomerRefs;
  ctx.written.push(...series.files, ...payments.series.files);
  const orders = { ...t, files: series.files.length, lines: series.rows, bytes: series.bytes };
  return { orders, payments: payments.result() };
}

function orderLine(o: Order, updatedAt: string): string {
  return `${o.id},${o.customer},${o.ts},${csvField(o.status)},${o.amount},${o.currency},${o.email},${o.phone},${updatedAt}\n`;
}

/** A line a CSV reader must reject for its column count; no stray quotes, so it stays one line. */
function malformedLine(rng: Rng, o: Order, line: string): string {
  switch (rng.int(0, 2)) {
    case 0: // thousands separator in an unquoted amount
      return line.replace(`,${o.amount},`, `,${rng.int(1, 9)},${String(rng.int(0, 999)).padStart(3, '0')}.00,`);
    case 1: // truncated export
      return `${o.id},${o.customer},${o.ts},${csvField(o.status)},${o.amount}\n`;
    default: // a free-text note appended by hand
      return `${line.slice(0, -1)},leave at door\n`;
  }
}
