/** Turning flag columns into expectation results: counts in one pass, a few sample values each. */
import type { Engine } from '../engine/index.js';
import type { Check } from './checks.js';
import type { Policy } from './contract-schema.js';

export interface ExpectationResult {
  rule: string;
  column?: string;
  policy: Policy;
  failing_rows: number;
  sample: string[];
}

const SAMPLE_SIZE = 5;

/** Failing-row counts of `checks` over `table`, keyed by check id, plus the row count. */
export async function countFlags(engine: Engine, table: string, checks: readonly Check[], extra: Record<string, string> = {}): Promise<Map<string, number>> {
  const exprs = [
    'count(*) AS __silt_rows',
    ...checks.map((c) => `count_if(${c.id}) AS ${c.id}`),
    ...Object.entries(extra).map(([k, v]) => `count_if(${v}) AS ${k}`),
  ];
  const [row] = await engine.allJson(`SELECT ${exprs.join(', ')} FROM ${table}`);
  return new Map(Object.entries(row ?? {}).map(([k, v]) => [k, Number(v)]));
}

/** One result per declared check (and per implicit check that rows broke), in check order. */
export async function expectationResults(
  engine: Engine,
  items: readonly { check: Check; table: string; failing: number }[],
): Promise<ExpectationResult[]> {
  const out: ExpectationResult[] = [];
  for (const { check: c, table, failing } of items) {
    if (c.implicit && failing === 0) continue;
    const sample = failing === 0 ? [] : await sampleValues(engine, table, c);
    out.push({ rule: c.label, ...(c.column === undefined ? {} : { column: c.column }), policy: c.policy, failing_rows: failing, sample });
  }
  return out;
}

async function sampleValues(engine: Engine, table: string, c: Check): Promise<string[]> {
  const rows = await engine.allJson<{ s: string }>(
    `SELECT DISTINCT s FROM (SELECT ${c.sample} AS s FROM ${table} WHERE ${c.id}) WHERE s IS NOT NULL ORDER BY s LIMIT ${SAMPLE_SIZE}`,
  );
  return rows.map((r) => r.s);
}

/** The first `fail` expectation that rows broke, as the run's failure. */
export function firstFailure(results: readonly ExpectationResult[]): { rule: string; reason: string } | undefined {
  const hit = results.find((r) => r.policy === 'fail' && r.failing_rows > 0);
  if (!hit) return undefined;
  const on = hit.column ? ` on ${hit.column}` : '';
  const rows = `${hit.failing_rows} row${hit.failing_rows === 1 ? '' : 's'}`;
  const eg = hit.column && hit.sample.length ? `, e.g. ${hit.sample.slice(0, 3).join(', ')}` : '';
  return { rule: hit.rule, reason: `${hit.rule}${on}: ${rows} failed (policy fail)${eg}` };
}
