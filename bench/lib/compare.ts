/** Checks that Silt and the peer returned the same rows (order-insensitive; doubles within 1e-9). */
type Json = Record<string, unknown>;

export function parseJsonLines(text: string): Json[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Json);
}

/** Empty when equal, else a line saying where the results differ. */
export function diffRows(silt: Json[], peer: Json[]): string {
  if (silt.length !== peer.length) return `silt returned ${silt.length} rows, the peer ${peer.length}`;
  const key = (r: Json) => JSON.stringify(Object.values(r)[0]);
  const a = [...silt].sort((x, y) => key(x).localeCompare(key(y)));
  const b = [...peer].sort((x, y) => key(x).localeCompare(key(y)));
  for (const [i, row] of a.entries()) {
    const other = Object.values(b[i]!);
    const values = Object.values(row);
    if (values.length !== other.length) return `row ${i}: ${values.length} columns vs ${other.length}`;
    for (const [j, v] of values.entries()) {
      if (!same(v, other[j])) return `row ${i} column ${j}: silt ${JSON.stringify(v)}, peer ${JSON.stringify(other[j])}`;
    }
  }
  return '';
}

function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  const x = Number(a);
  const y = Number(b);
  if (a !== null && b !== null && a !== '' && b !== '' && Number.isFinite(x) && Number.isFinite(y)) {
    return Math.abs(x - y) <= 1e-9 * Math.max(1, Math.abs(x), Math.abs(y));
  }
  return String(a) === String(b);
}
