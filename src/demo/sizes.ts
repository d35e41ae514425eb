import { InvalidInput } from '../errors.js';

/** How much `silt demo --rows N` generates; every count follows from the number of orders. */
export interface DemoSizes {
  orders: number;
  /** orders / 10, at least 50. */
  customers: number;
  /** About orders × 0.9 (one per paid order, plus duplicates); exact count in DemoTruth. */
  approxPayments: number;
  /** orders × 2, from `devices` devices (√readings / 3, within 8..2000) reporting at a steady interval. */
  sensorReadings: number;
  devices: number;
  /** orders × 3 (before duplicate lines). */
  webEvents: number;
}

export const MAX_ROWS = 1_000_000_000;
/** One landing file per about this many records, and never fewer than two files per source. */
export const ROWS_PER_FILE = 100_000;

export function demoSizes(rows: number): DemoSizes {
  if (!Number.isInteger(rows) || rows < 1 || rows > MAX_ROWS) {
    throw new InvalidInput(`demo: rows must be an integer from 1 to ${MAX_ROWS}, got ${rows}`);
  }
  const sensorReadings = rows * 2;
  return {
    orders: rows,
    customers: Math.max(50, Math.round(rows / 10)),
    approxPayments: Math.round(rows * 0.9),
    sensorReadings,
    devices: Math.min(sensorReadings, 2000, Math.max(8, Math.round(Math.sqrt(sensorReadings) / 3))),
    webEvents: rows * 3,
  };
}

/** Index of the first record of each file when `records` are split into landing files. */
export function fileStarts(records: number): number[] {
  const files = Math.max(2, Math.ceil(records / ROWS_PER_FILE));
  return Array.from({ length: files }, (_, k) => Math.floor((k * records) / files));
}
