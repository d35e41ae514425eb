/** The demo shop's products and its visitors' browsers. Prices are integer cents. */

export interface Product {
  readonly sku: string;
  readonly category: string;
  readonly cents: number;
}

const CATEGORY_PRICES: readonly (readonly [string, readonly number[]])[] = [
  ['shoes', [4999, 7999, 8999, 12999]],
  ['apparel', [1299, 1999, 2499, 3499, 5999]],
  ['electronics', [2999, 4999, 14999, 29999, 89900]],
  ['home', [999, 2499, 3999, 7999, 19999]],
  ['books', [499, 899, 1299, 1999]],
  ['toys', [799, 1499, 2999, 4999]],
  ['beauty', [650, 1200, 2400, 3800]],
  ['sports', [1999, 3499, 5999, 24999]],
];

export const PRODUCTS: readonly Product[] = CATEGORY_PRICES.flatMap(([category, prices], c) =>
  prices.map((cents, i) => ({ sku: `SKU-${10000 + c * 100 + i}`, category, cents })),
);

export const CATEGORIES: readonly string[] = CATEGORY_PRICES.map(([c]) => c);

/** `1234` → `'12.34'`; exact, no floating point. */
export function centsToDecimal(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

export const USER_AGENTS: readonly (readonly [string, number])[] = [
  ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36', 30],
  ['Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1', 25],
  ['Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36', 18],
  ['Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15', 12],
  ['Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:127.0) Gecko/20100101 Firefox/127.0', 6],
  ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0', 6],
  ['Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0', 2],
  ['Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)', 1],
];

export const REFERRERS: readonly (readonly [string, number])[] = [
  ['direct', 35], ['google', 30], ['newsletter', 10], ['instagram', 8], ['facebook', 7],
  ['bing', 5], ['affiliate', 5],
];

export const SHOP_URL = 'https://shop.example.com';
