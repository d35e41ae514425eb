/**
 * Declared thresholds (`max_invalid_ratio`, `max_invalid_rows`) judged on a run's batch: per rule,
 * the rows failing it; per table, the rows quarantined. Ratios are over the batch's rows in.
 */
import type { Expectation } from './contract-shape.js';

export interface ThresholdResult {
  /** The rule's name (its kind when unnamed), or `table` for the table's own threshold. */
  rule: string;
  column?: string;
  invalid_rows: number;
  rows: number;
  invalid_ratio: number;
  max_invalid_ratio?: number;
  max_invalid_rows?: number;
  exceeded: boolean;
}

interface Limits {
  max_invalid_ratio?: number | undefined;
  max_invalid_rows?: number | undefined;
}

/** The run's failure when a threshold is exceeded: the first one, table first, then rules in order. */
export interface ThresholdFailure {
  rule: string;
  reason: string;
  details: { rule: string; invalid_rows: number; rows: number; invalid_ratio: number; threshold: string };
}

export function judgeThresholds(
  table: Limits,
  rows: number,
  quarantined: number,
  rules: readonly { expectation: Expectation; failing: number }[],
): ThresholdResult[] {
  const out: ThresholdResult[] = [];
  const judge = (rule: string, column: string | undefined, limits: Limits, invalid: number): void => {
    if (limits.max_invalid_ratio === undefined && limits.max_invalid_rows === undefined) return;
    const ratio = rows === 0 ? 0 : invalid / rows;
    out.push({
      rule,
      ...(column === undefined ? {} : { column }),
      invalid_rows: invalid,
      rows,
      invalid_ratio: ratio,
      ...(limits.max_invalid_ratio === undefined ? {} : { max_invalid_ratio: limits.max_invalid_ratio }),
      ...(limits.max_invalid_rows === undefined ? {} : { max_invalid_rows: limits.max_invalid_rows }),
      exceeded: (limits.max_invalid_ratio !== undefined && ratio > limits.max_invalid_ratio) || (limits.max_invalid_rows !== undefined && invalid > limits.max_invalid_rows),
    });
  };
  judge('table', undefined, table, quarantined);
  for (const { expectation: x, failing } of rules) judge(x.name ?? x.rule, 'column' in x ? x.column : undefined, x, failing);
  return out;
}

export function thresholdFailure(results: readonly ThresholdResult[]): ThresholdFailure | undefined {
  const hit = results.find((r) => r.exceeded);
  if (!hit) return undefined;
  const ratio = hit.invalid_ratio.toFixed(4).replace(/0+$/, '').replace(/\.$/, '');
  const overRatio = hit.max_invalid_ratio !== undefined && hit.invalid_ratio > hit.max_invalid_ratio;
  const threshold = overRatio ? `max_invalid_ratio ${hit.max_invalid_ratio}` : `max_invalid_rows ${hit.max_invalid_rows}`;
  const what = hit.rule === 'table' ? 'rows quarantined' : `rows failing rule ${hit.rule}${hit.column ? ` on ${hit.column}` : ''}`;
  return {
    rule: hit.rule,
    reason: `${hit.invalid_rows} of ${hit.rows} ${what} (ratio ${ratio}) is past ${hit.rule === 'table' ? "the table's" : 'its'} ${threshold}`,
    details: { rule: hit.rule, invalid_rows: hit.invalid_rows, rows: hit.rows, invalid_ratio: hit.invalid_ratio, threshold },
  };
}
