import { InvalidInput } from '../errors.js';

/** Bytes per size unit, lower case: decimal (kb, mb…) and binary (kib, mib…). */
export const SIZE_UNITS: Readonly<Record<string, number>> = { b: 1, kb: 1e3, mb: 1e6, gb: 1e9, tb: 1e12, kib: 2 ** 10, mib: 2 ** 20, gib: 2 ** 30, tib: 2 ** 40 };
const SIZE = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i;

/** A size in whole bytes, as the flags write them: `512KiB`, `128MB`, `1GiB` (bare: bytes); InvalidInput naming `where` for anything else. */
export function parseSize(text: string, where: string): number {
  const m = SIZE.exec(text.trim());
  const unit = m ? SIZE_UNITS[(m[2] || 'b').toLowerCase()] : undefined;
  const bytes = m && unit ? Math.floor(Number(m[1]) * unit) : NaN;
  if (!(bytes >= 1)) throw new InvalidInput(`${where} expects a size such as 64MB, 128MiB or 1GB, found ${JSON.stringify(text)}`);
  return bytes;
}
