/** Rows in each file of fleetLanding. */
export const FLEET_ROWS = 2_000;

/** A landing of `files` CSV files of orders (`id,amount`), FLEET_ROWS each, ids unique across files. */
export function fleetLanding(files: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (let f = 0; f < files; f++) {
    const lines = Array.from({ length: FLEET_ROWS }, (_, i) => `${f * FLEET_ROWS + i + 1},${(i % 1000) / 4}`);
    out[`orders/f${String(f).padStart(3, '0')}.csv`] = `id,amount\n${lines.join('\n')}\n`;
  }
  return out;
}
