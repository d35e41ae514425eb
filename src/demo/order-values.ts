import { PRODUCTS } from './catalog.js';
import { Weighted, type Rng } from './prng.js';

/** Not a valid status even after trimming and lowercasing. */
export const INVALID_STATUSES = ['unknown', '', 'pending_review', 'lost', '?', 'shipped-2'] as const;

/** Values in the order_ts column that are no timestamp in any format. */
export const MALFORMED_DATES = [
  '2026-13-45 10:00:00', '2026-02-30 25:61:00', 'yesterday', '0000-00-00 00:00:00', 'TBD',
  '31/31/2026 12:00', 'not a date',
] as const;

const FRESH = new Weighted([['placed', 60], ['shipped', 35], ['cancelled', 5]] as const);
const RECENT = new Weighted([['placed', 10], ['shipped', 50], ['delivered', 35], ['cancelled', 5]] as const);
const SETTLED = new Weighted([['delivered', 80], ['returned', 8], ['cancelled', 7], ['shipped', 5]] as const);
/** How many line items an order has: mostly one or two. */
const ITEMS = new Weighted([[1, 55], [2, 25], [3, 12], [4, 8]] as const);

/** Older orders have progressed further. */
export function orderStatus(rng: Rng, ageSec: number): string {
  const table = ageSec < 2 * 86400 ? FRESH : ageSec < 7 * 86400 ? RECENT : SETTLED;
  return table.draw(rng);
}

/** An order total in cents from 1–4 catalog items, 1–3 each: from a few dollars to about 10k. */
export function orderAmount(rng: Rng): number {
  let cents = 0;
  const items = ITEMS.draw(rng);
  for (let i = 0; i < items; i++) {
    cents += rng.pick(PRODUCTS).cents * (rng.chance(0.8) ? 1 : rng.int(2, 3));
  }
  return cents;
}

/** A valid status written sloppily: 'SHIPPED ', 'Delivered', ' placed'. */
export function messyStatus(rng: Rng, status: string): string {
  switch (rng.int(0, 2)) {
    case 0:
      return `${status.toUpperCase()} `;
    case 1:
      return `${status.charAt(0).toUpperCase()}${status.slice(1)}`;
    default:
      return ` ${status}`;
  }
}
