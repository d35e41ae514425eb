import type { ObjectStore } from '../storage/index.js';
import { WINDOW_END, isoZulu } from './calendar.js';
import { centsToDecimal } from './catalog.js';
import { FileSeries, type Progress } from './file-series.js';
import { Later } from './later.js';
import { Rng, Weighted } from './prng.js';
import { emptySource, type PaymentsTruth } from './truth.js';

export const PAYMENTS_HEADER = 'payment_id,order_id,paid_at,method,amount,card_number\n';

type Kind = 'clean' | 'duplicated' | 'unknownOrder' | 'invalidMethod' | 'nullAmount' | 'malformed';

const KINDS = new Weighted<Kind>([
  ['clean', 960], ['duplicated', 20], ['unknownOrder', 5], ['invalidMethod', 8], ['nullAmount', 5],
  ['malformed', 2],
]);
const METHODS = new Weighted([['card', 60], ['paypal', 20], ['bank_transfer', 12], ['gift_card', 8]] as const);
const INVALID_METHODS = ['crypto', 'cash', 'unknown', '', 'wire'] as const;

/**
 * `landing/payments/*.csv`, written alongside the orders (same file numbering): one payment for
 * most orders that survive their contract, paid shortly after the order.
 */
export class PaymentWriter {
  readonly series: FileSeries;
  readonly truth: PaymentsTruth = {
    ...emptySource(), unknownOrderRefs: 0, invalidMethods: 0, nullAmounts: 0, cardNumbers: 0,
  };
  private readonly rng: Rng;
  private readonly later = new Later<string>();
  private nextId = 1;

  constructor(store: ObjectStore, seed: number, private readonly maxOrderId: number, onProgress?: Progress) {
    this.rng = new Rng(seed, 'payments');
    this.series = new FileSeries(store, 'payments', 'csv', PAYMENTS_HEADER, onProgress);
  }

  /** Maybe pays order `orderId` placed at `orderSec`; `perFile` bounds how late a re-send lands. */
  forOrder(orderId: number, orderSec: number, cents: number, perFile: number): void {
    const rng = this.rng;
    if (!rng.chance(0.98)) return;
    const id = this.nextId++;
    for (const line of this.later.take(id) ?? []) this.series.add(line);
    const kind = KINDS.draw(rng);
    const t = this.truth;
    const paidAt = isoZulu(Math.min(orderSec + rng.int(5, 7200), WINDOW_END - 1));
    let method: string = METHODS.draw(rng);
    let card = '';
    if (method === 'card' && rng.chance(0.9)) card = cardNumber(rng);
    let amount = centsToDecimal(cents);
    let order = String(orderId);
    if (kind === 'unknownOrder') {
      order = String(this.maxOrderId + rng.int(1, this.maxOrderId * 10));
      t.unknownOrderRefs++;
    } else if (kind === 'invalidMethod') {
      method = rng.pick(INVALID_METHODS);
      card = '';
      t.invalidMethods++;
    } else if (kind === 'nullAmount') {
      amount = rng.chance(0.7) ? '' : 'null';
      t.nullAmounts++;
    }
    let line = `${id},${order},${paidAt},${method},${amount},${card}\n`;
    if (kind === 'malformed') {
      // A producer that split a retry note into its own column.
      line = `${id},${order},${paidAt},${method},${amount},${card},retry\n`;
      t.malformedLines++;
    } else if (card !== '') {
      t.cardNumbers++;
    }
    this.series.add(line);
    if (kind === 'duplicated') {
      this.later.add(id + this.rng.int(1, perFile), line);
      t.duplicateLines++;
    }
    if (kind === 'clean' || kind === 'duplicated') t.cleanRecords++;
  }

  /** Emits the re-sends still pending; call before the last file is closed. */
  finishPending(): void {
    for (const line of this.later.rest()) this.series.add(line);
  }

  result(): PaymentsTruth {
    const t = this.truth;
    t.rejectedRows = t.unknownOrderRefs + t.invalidMethods + t.nullAmounts;
    return { ...t, files: this.series.files.length, lines: this.series.rows, bytes: this.series.bytes };
  }
}

/** A 16-digit Visa- or Mastercard-like number with a valid Luhn check digit, often grouped. */
function cardNumber(rng: Rng): string {
  const d: number[] = rng.chance(0.6) ? [4] : [5, rng.int(1, 5)];
  while (d.length < 15) d.push(rng.int(0, 9));
  let sum = 0;
  for (let i = 0; i < 15; i++) {
    let x = d[14 - i] as number;
    if (i % 2 === 0) x = x * 2 > 9 ? x * 2 - 9 : x * 2;
    sum += x;
  }
  d.push((10 - (sum % 10)) % 10);
  const s = d.join('');
  return rng.chance(0.5) ? s : `${s.slice(0, 4)} ${s.slice(4, 8)} ${s.slice(8, 12)} ${s.slice(12)}`;
}
