import { InvalidInput } from '../errors.js';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?$/;

/** Whether `text` is a duration as silt.yaml and the flags write them: `500ms`, `30s`, `5m`, `1h`, `7d` (bare: seconds). */
export function isDuration(text: string): boolean {
  return DURATION.test(text.trim());
}

/** A duration in milliseconds; InvalidInput naming `where` for anything else. */
export function parseDuration(text: string, where: string): number {
  const m = DURATION.exec(text.trim());
  if (!m) throw new InvalidInput(`${where} expects a duration such as 30m, 1h or 7d, found ${JSON.stringify(text)}`);
  return Number(m[1]) * UNIT_MS[m[2] ?? 's']!;
}
