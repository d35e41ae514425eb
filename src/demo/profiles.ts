import { WINDOW_START } from './calendar.js';
import { Rng, Weighted, hashKey } from './prng.js';
import {
  CITIES, COUNTRIES, EMAIL_DOMAINS, FIRST_NAMES, LAST_NAMES, SEGMENTS, asciiFold, type City,
} from './vocab.js';

export interface CustomerProfile {
  readonly id: number;
  readonly name: string;
  readonly email: string;
  readonly phone: string;
  readonly city: City;
  readonly currency: string;
  readonly signupSec: number;
  readonly segment: string;
}

const cities = new Weighted(CITIES.map((c) => [c, c.weight] as const));
const domains = new Weighted(EMAIL_DOMAINS);
const segments = new Weighted(SEGMENTS);
const FOLDED_FIRST = FIRST_NAMES.map(asciiFold);
const FOLDED_LAST = LAST_NAMES.map(asciiFold);

/**
 * Customers as a pure function of (seed, id): the customers file and the orders that copy a
 * customer's e-mail and phone agree without holding all customers in memory. Order volume per
 * customer is skewed: a few customers place many orders, many place one or none.
 */
export class Customers {
  private readonly rng = new Rng(0, '');
  private readonly base: number;
  private readonly stride: number;

  constructor(seed: number, readonly count: number) {
    this.base = hashKey(seed, 'customers/profile');
    let stride = Math.max(1, Math.floor(count * 0.618034));
    while (gcd(stride, count) !== 1) stride++;
    this.stride = stride % count || 1;
  }

  profile(id: number): CustomerProfile {
    const rng = this.rng.reseed((this.base ^ Math.imul(id, 0x9e3779b1)) >>> 0);
    const f = Math.floor(rng.next() * FIRST_NAMES.length);
    const l = Math.floor(rng.next() * LAST_NAMES.length);
    const first = FOLDED_FIRST[f] as string;
    const last = FOLDED_LAST[l] as string;
    const city = cities.draw(rng);
    const domain = domains.draw(rng);
    const n = rng.int(1, 99);
    const style = rng.int(0, 4);
    const local =
      style === 0 ? `${first}.${last}`
      : style === 1 ? `${first}${last}${n}`
      : style === 2 ? `${first.charAt(0)}.${last}`
      : style === 3 ? `${first}_${last}${n}`
      : `${first}${last.charAt(0)}${n}`;
    return {
      id,
      name: `${FIRST_NAMES[f] as string} ${LAST_NAMES[l] as string}`,
      email: `${local}@${domain}`,
      phone: phone(rng, city.country),
      city,
      currency: (COUNTRIES[city.country] ?? { currency: 'USD' }).currency,
      signupSec: WINDOW_START - rng.int(1, 3 * 365) * 86400 + rng.int(0, 86399),
      segment: segments.draw(rng),
    };
  }

  /**
   * A customer id in 1..count. Three orders in four come from a skewed pool (rank ∝ u^1.5, so
   * a few regulars order very often), the rest from anyone; the stride scatters ranks over ids.
   */
  pick(rng: Rng): number {
    const u = rng.next();
    const rank = Math.floor(this.count * (rng.chance(0.75) ? u * Math.sqrt(u) : u));
    return ((rank * this.stride) % this.count) + 1;
  }

  /** An id that no customer has (for referential-integrity defects). */
  unknown(rng: Rng): number {
    return this.count + rng.int(1, this.count * 10);
  }
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

function digits(rng: Rng, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += String(rng.int(0, 9));
  return s;
}

/** Fictional numbers (555-01xx in North America, Ofcom drama range in the UK), mixed styles. */
function phone(rng: Rng, country: string): string {
  const style = rng.int(0, 2);
  if (country === 'US' || country === 'CA') {
    const area = String(rng.int(201, 989));
    const line = `01${digits(rng, 2)}`;
    return style === 0 ? `+1 (${area}) 555-${line}` : style === 1 ? `${area}-555-${line}` : `+1${area}555${line}`;
  }
  if (country === 'GB') {
    const line = `0${digits(rng, 3)}`;
    return style === 0 ? `+44 20 7946 ${line}` : style === 1 ? `020 7946 ${line}` : `+44207946${line}`;
  }
  const dial = (COUNTRIES[country] ?? { dial: '1' }).dial;
  const area = digits(rng, 2);
  const rest = digits(rng, 7);
  return style === 2 ? `+${dial}${area}${rest}` : `+${dial} ${area} ${rest.slice(0, 3)} ${rest.slice(3)}`;
}
