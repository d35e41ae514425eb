/** Printing figures as a compact table, target verdicts, and the results JSON. */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { OUT } from './paths.js';

export interface Verdict {
  target: string;
  pass: boolean;
  detail: string;
}

/** Cells that are figures (right-aligned): 12 ms, 1.3 s, 40 MiB, 1.25x, 7.5%, n/a. */
const FIGURE = /^(-?[\d.,]+ ?(ms|s|MiB|x|%)?|n\/a)$/;

export function printTable(title: string, header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const numeric = header.map((_, i) => i > 0 && rows.every((r) => FIGURE.test(r[i] ?? '')));
  const line = (cells: string[]) => cells.map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  process.stdout.write(`\n${title}\n${line(header)}\n${line(widths.map((w) => '-'.repeat(w)))}\n${rows.map(line).join('\n')}\n`);
}

export function printVerdicts(verdicts: Verdict[]): void {
  for (const v of verdicts) process.stdout.write(`${v.pass ? 'PASS' : 'FAIL'} ${v.target}: ${v.detail}\n`);
}

export function writeResults(name: string, results: unknown): string {
  mkdirSync(OUT, { recursive: true });
  const file = path.join(OUT, `results-${name}.json`);
  writeFileSync(file, JSON.stringify(results, null, 2) + '\n');
  return file;
}

export function log(message: string): void {
  process.stderr.write(`bench: ${message}\n`);
}
