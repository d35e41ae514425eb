import { open } from 'node:fs/promises';

/** One CSV line per id in [from, to): id, ts (spread over `days` days from `start`), name, amount. */
export function eventLine(i: number, days = 10, start = Date.UTC(2024, 0, 1)): string {
  const ts = new Date(start + (i % days) * 86_400_000 + (i % 86_400) * 1000).toISOString().slice(0, 19).replace('T', ' ');
  return `${i},${ts},name ${i % 997},${((i % 1000) / 4).toFixed(2)}`;
}

/** Writes a CSV of events with ids [from, to) in chunks (big files without big strings). */
export async function writeEventsCsv(file: string, from: number, to: number, line: (i: number) => string = (i) => eventLine(i)): Promise<void> {
  const fh = await open(file, 'w');
  try {
    await fh.write('id,ts,name,amount\n');
    for (let i = from; i < to; i += 50_000) {
      const lines: string[] = [];
      for (let j = i; j < Math.min(to, i + 50_000); j++) lines.push(line(j));
      await fh.write(lines.join('\n') + '\n');
    }
  } finally {
    await fh.close();
  }
}
