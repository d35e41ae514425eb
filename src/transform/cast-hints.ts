/** After a run: why a column's values did not cast, said for the batch as `silt load` says it for a file. */
import { notOfKind, quoteIdent, type Engine, type TextKind } from '../engine/index.js';
import type { Check } from './checks.js';
import type { SilverContract } from './contract-schema.js';
import type { ExpectationResult } from './run-report.js';

function kindOf(type: string | undefined): TextKind | undefined {
  const t = (type ?? '').toLowerCase();
  if (t === 'date') return 'date';
  if (t.startsWith('timestamp')) return 'timestamp';
  if (/^(int|integer|long|bigint|float|double|decimal)\b/.test(t)) return 'number';
  return undefined;
}

/**
 * One line per column whose values failed a cast to a date, timestamp or number: how many, a few
 * of them, and the source file and line of the first (`checked` holds the flag and lineage columns).
 */
export async function castHints(engine: Engine, contract: SilverContract, checks: readonly Check[], checked: string, results: readonly ExpectationResult[]): Promise<string[]> {
  const hints: string[] = [];
  for (const r of results) {
    if (r.rule !== 'type' || r.failing_rows === 0 || r.column === undefined) continue;
    const kind = kindOf(contract.columns[r.column]?.type);
    const check = checks.find((c) => c.label === 'type' && c.column === r.column);
    if (!kind || !check) continue;
    const [first] = await engine.allJson<{ f: string | null; l: number | null }>(
      `SELECT _source_file AS f, _source_line AS l FROM ${checked} WHERE ${quoteIdent(check.id)} ORDER BY _source_file, _source_line LIMIT 1`,
    );
    const where = first?.f ? `; see ${first.f}${first.l === null ? '' : ` line ${first.l}`}` : '';
    const fix = kind === 'number' ? 'add them to null_tokens, or fix the source' : 'add them to null_tokens, or give the column formats';
    hints.push(`column ${r.column}: ${notOfKind(kind, r.failing_rows, r.sample.slice(0, 3))}${where}; ${fix}`);
  }
  return hints;
}
