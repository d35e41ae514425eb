import type { Rng } from './prng.js';
import { CITIES } from './vocab.js';

/** cos-shaped daily cycle by local hour: coldest before dawn, warmest early afternoon. */
const DAILY = [
  -0.87, -0.97, -1, -0.97, -0.87, -0.71, -0.5, -0.26, 0, 0.26, 0.5, 0.71, 0.87, 0.97, 1, 0.97, 0.87,
  0.71, 0.5, 0.26, 0, -0.26, -0.5, -0.71,
];

/** Device kinds: [base °C low, base °C high, daily swing, humidity base]. */
const KINDS: readonly (readonly [number, number, number, number])[] = [
  [18, 24, 1.5, 45], // warehouse
  [2, 5, 0.5, 85], // cold room
  [-22, -16, 0.4, 70], // freezer
  [8, 25, 6, 65], // outdoor
];

export interface Reading {
  readonly deviceId: string;
  readonly temperature: string;
  readonly humidity: string;
  readonly battery: string;
  /** A JSON object text: `{"lat":52.52012,"lon":13.40491}`. */
  readonly location: string;
}

/** The IoT fleet: fixed per-device traits, and battery levels that drain and get recharged. */
export class Fleet {
  private readonly ids: string[] = [];
  private readonly locations: string[] = [];
  private readonly utcOffset: Int8Array;
  private readonly base: Float64Array;
  private readonly swing: Float64Array;
  private readonly humidity: Float64Array;
  private readonly drain: Float64Array;
  private readonly battery: Float64Array;

  constructor(rng: Rng, readonly size: number) {
    this.utcOffset = new Int8Array(size);
    this.base = new Float64Array(size);
    this.swing = new Float64Array(size);
    this.humidity = new Float64Array(size);
    this.drain = new Float64Array(size);
    this.battery = new Float64Array(size);
    for (let i = 0; i < size; i++) {
      const kind = KINDS[rng.int(0, KINDS.length - 1)] as (typeof KINDS)[number];
      const city = rng.pick(CITIES);
      const lat = city.lat + (rng.next() - 0.5) * 0.1;
      const lon = city.lon + (rng.next() - 0.5) * 0.1;
      this.ids.push(`dev-${String(i + 1).padStart(4, '0')}`);
      this.locations.push(`{"lat":${lat.toFixed(5)},"lon":${lon.toFixed(5)}}`);
      this.utcOffset[i] = Math.round(lon / 15);
      this.base[i] = kind[0] + rng.next() * (kind[1] - kind[0]);
      this.swing[i] = kind[2];
      this.humidity[i] = kind[3];
      this.drain[i] = 0.02 + rng.next() * 0.2;
      this.battery[i] = 40 + rng.next() * 60;
    }
  }

  read(dev: number, sec: number, rng: Rng): Reading {
    const hour = (Math.floor(sec / 3600) + (this.utcOffset[dev] as number) + 48) % 24;
    const base = this.base[dev] as number;
    const temp = base + (this.swing[dev] as number) * (DAILY[hour] as number) + 0.4 * rng.normal();
    const hum = Math.min(100, Math.max(5, (this.humidity[dev] as number) - (temp - base) * 1.5 + 2 * rng.normal()));
    let level = (this.battery[dev] as number) - (this.drain[dev] as number);
    if (level < 5) level = 100;
    this.battery[dev] = level;
    return {
      deviceId: this.ids[dev] as string,
      temperature: temp.toFixed(1),
      humidity: hum.toFixed(1),
      battery: String(Math.round(level)),
      location: this.locations[dev] as string,
    };
  }
}
