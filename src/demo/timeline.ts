import { WINDOW_DAYS, WINDOW_START, weekday } from './calendar.js';
import type { Rng } from './prng.js';

/** Relative activity per hour of day (UTC): quiet nights, a lunch bump, an evening peak. */
const HOURLY = [
  0.25, 0.15, 0.1, 0.08, 0.08, 0.12, 0.25, 0.45, 0.7, 0.85, 0.95, 1.05, 1.15, 1.1, 1.0, 0.95, 0.95,
  1.0, 1.15, 1.3, 1.35, 1.2, 0.9, 0.5,
];
/** Relative activity per weekday, Sunday first. */
const WEEKLY = [1.2, 0.9, 0.95, 0.97, 1.0, 1.1, 1.25];
/** A two-day sale late in May. */
const SALE_DAYS = new Set([57, 58]);

/**
 * Shopper activity over the demo window: daily seasonality, weekly rhythm, slow growth, a sale
 * and some day-to-day noise. `at(u)` maps a quantile to a time, so the i-th of n events placed at
 * u = (i + jitter) / n come out in time order with the right density, without sorting.
 */
export class Timeline {
  private readonly cumulative: Float64Array;
  private bin = 0;

  constructor(rng: Rng) {
    const bins = WINDOW_DAYS * 24;
    this.cumulative = new Float64Array(bins);
    let sum = 0;
    for (let day = 0; day < WINDOW_DAYS; day++) {
      const dayStart = WINDOW_START + day * 86400;
      let w = (WEEKLY[weekday(dayStart)] as number) * (1 + (0.4 * day) / WINDOW_DAYS);
      w *= 0.9 + 0.2 * rng.next();
      if (SALE_DAYS.has(day)) w *= 2.2;
      for (let h = 0; h < 24; h++) this.cumulative[day * 24 + h] = sum += w * (HOURLY[h] as number);
    }
    for (let i = 0; i < bins; i++) this.cumulative[i] = (this.cumulative[i] as number) / sum;
  }

  /** Seconds since the epoch at quantile `u` in [0, 1). Calls must not decrease `u`. */
  at(u: number): number {
    const cum = this.cumulative;
    while (this.bin < cum.length - 1 && (cum[this.bin] as number) <= u) this.bin++;
    const before = this.bin === 0 ? 0 : (cum[this.bin - 1] as number);
    const frac = (u - before) / ((cum[this.bin] as number) - before);
    return Math.floor(WINDOW_START + (this.bin + Math.min(Math.max(frac, 0), 0.9999999)) * 3600);
  }
}
