import { PRODUCTS, REFERRERS, SHOP_URL, USER_AGENTS, centsToDecimal, type Product } from './catalog.js';
import { WINDOW_END } from './calendar.js';
import { Weighted, type Rng } from './prng.js';
import type { Customers } from './profiles.js';

export interface WebEvent {
  readonly type: 'page_view' | 'add_to_cart' | 'checkout' | 'purchase';
  readonly customer: number | null;
  readonly url: string;
  readonly sec: number;
  readonly millis: number;
  /** A JSON object text. */
  readonly properties: string;
}

const agents = new Weighted(USER_AGENTS);
const referrers = new Weighted(REFERRERS);
const PAGES = new Weighted([['home', 40], ['category', 30], ['product', 20], ['search', 10]] as const);

/** One visit: browse, maybe add to cart, maybe check out (logging in), maybe buy. */
export class Session {
  readonly id: string;
  readonly userAgent: string;
  private customer: number | null;
  private sec: number;
  private readonly events: Generator<WebEvent, void>;

  constructor(private readonly rng: Rng, private readonly customers: Customers, startSec: number) {
    this.id = rng.hex(2);
    this.userAgent = agents.draw(rng);
    this.customer = rng.chance(0.55) ? customers.pick(rng) : null;
    this.sec = startSec;
    this.events = this.walk();
  }

  /** The next event, or null when the visit ends (or runs past the end of the window). */
  next(): WebEvent | null {
    if (this.sec >= WINDOW_END) return null;
    const r = this.events.next();
    return r.done ? null : r.value;
  }

  private event(type: WebEvent['type'], path: string, properties: string): WebEvent {
    const e = { type, customer: this.customer, url: SHOP_URL + path, sec: this.sec, millis: this.rng.int(0, 999), properties };
    this.sec += this.rng.int(3, 120);
    return e;
  }

  private pageView(page: string, referrer: string, product: Product): WebEvent {
    const category = product.category;
    const path =
      page === 'home' ? '/' : page === 'category' ? `/c/${category}` : page === 'search' ? `/search?q=${category}` : `/p/${product.sku}`;
    const duration = this.rng.int(800, 90_000);
    return this.event('page_view', path, `{"page":"${page}","referrer":"${referrer}","duration_ms":${duration}}`);
  }

  private *walk(): Generator<WebEvent, void> {
    const rng = this.rng;
    let views = 1;
    while (views < 8 && rng.chance(0.55)) views++;
    let referrer = referrers.draw(rng);
    for (let i = 0; i < views; i++) {
      yield this.pageView(PAGES.draw(rng), referrer, rng.pick(PRODUCTS));
      referrer = 'internal';
    }
    if (!rng.chance(0.35)) return;
    const cart: { product: Product; qty: number }[] = [];
    const adds = rng.chance(0.7) ? 1 : 2;
    for (let i = 0; i < adds; i++) {
      const product = rng.pick(PRODUCTS);
      const qty = rng.chance(0.85) ? 1 : rng.int(2, 3);
      cart.push({ product, qty });
      yield this.pageView('product', 'internal', product);
      yield this.event('add_to_cart', `/p/${product.sku}`,
        `{"sku":"${product.sku}","qty":${qty},"price":${centsToDecimal(product.cents)}}`);
    }
    if (!rng.chance(0.55)) return;
    this.customer ??= this.customers.pick(rng);
    const items = cart.reduce((n, c) => n + c.qty, 0);
    const value = centsToDecimal(cart.reduce((n, c) => n + c.qty * c.product.cents, 0));
    yield this.event('checkout', '/checkout', `{"items":${items},"cart_value":${value}}`);
    if (!rng.chance(0.75)) return;
    const currency = this.customers.profile(this.customer).currency;
    yield this.event('purchase', '/checkout/complete', `{"items":${items},"revenue":${value},"currency":"${currency}"}`);
  }
}
