/** Runs a model's expectations: each rule is SQL selecting the failing rows; counts and samples come back. */
import { type Engine, quoteIdent, quoteLiteral, runSql, sqlExpression } from '../engine/index.js';
import { RunFailed } from '../errors.js';
import { tableOf, type Bound, type Expectation, type Model } from './model.js';

export interface ExpectationResult {
  rule: string;
  column?: string;
  /** The expectation as written: `range(revenue, 0, null)`. */
  label: string;
  policy: 'warn' | 'fail';
  failing_rows: number;
  /** Up to 5 examples, sorted: the offending values, or whole rows as JSON for not_null and sql. */
  sample: string[];
}

const SAMPLE_SIZE = 5;

/** Runs the model's expectations against `relation` (a DuckDB table or view name holding the model's new rows). */
export async function checkModel(engine: Engine, model: Model, relation: string): Promise<ExpectationResult[]> {
  const results: ExpectationResult[] = [];
  for (const e of model.config.expectations) {
    const where = `models: ${model.file}: expect ${e.label}`;
    if (e.rule === 'sql') await sqlExpression(engine, e.predicate, where);
    const rows = await runSql<{ n: string | number; samples: string[] | null }>(engine, expectationSql(e, relation), where);
    const row = rows[0]!;
    results.push({
      rule: e.rule,
      ...('column' in e ? { column: e.column } : {}),
      label: e.label,
      policy: e.policy,
      failing_rows: Number(row.n),
      sample: row.samples ?? [],
    });
  }
  return results;
}

/** A RunFailed naming every violated `fail` expectation, or undefined when none failed. */
export function expectationFailure(model: Model, results: readonly ExpectationResult[]): RunFailed | undefined {
  const failed = results.filter((r) => r.policy === 'fail' && r.failing_rows > 0);
  if (failed.length === 0) return undefined;
  const parts = failed.map((r) => `${r.label} failed on ${r.failing_rows} row${r.failing_rows === 1 ? '' : 's'}${r.sample.length ? ` (e.g. ${r.sample.slice(0, 3).join(', ')})` : ''}`);
  return new RunFailed(`models: ${tableOf(model)} (${model.file}): expectation ${parts.join('; ')}`);
}

/** One row: `n` failing rows and `samples`. An `sql` predicate must have passed `sqlExpression`. */
export function expectationSql(e: Expectation, relation: string): string {
  const { failing, sample } = failingRows(e, relation);
  return (
    `WITH __failing AS (${failing}) SELECT (SELECT count(*) FROM __failing) AS n, ` +
    `(SELECT list(s ORDER BY s) FROM (SELECT DISTINCT ${sample} AS s FROM __failing AS __f ORDER BY s LIMIT ${SAMPLE_SIZE})) AS samples`
  );
}

function failingRows(e: Expectation, relation: string): { failing: string; sample: string } {
  const rowJson = 'CAST(to_json(__f) AS VARCHAR)';
  if (e.rule === 'sql') return { failing: `SELECT * FROM ${relation} WHERE NOT ((\n${e.predicate}\n)::BOOLEAN)`, sample: rowJson };
  const c = quoteIdent(e.column);
  const value = `CAST(__f.${c} AS VARCHAR)`;
  switch (e.rule) {
    case 'not_null':
      return { failing: `SELECT * FROM ${relation} WHERE ${c} IS NULL`, sample: rowJson };
    case 'unique':
      return {
        failing: `SELECT ${c} FROM (SELECT ${c}, count(*) OVER (PARTITION BY ${c}) AS __n FROM ${relation}) WHERE ${c} IS NOT NULL AND __n > 1`,
        sample: value,
      };
    case 'range': {
      const out = [e.min === null ? '' : `${c} < ${literal(e.min)}`, e.max === null ? '' : `${c} > ${literal(e.max)}`];
      return { failing: `SELECT ${c} FROM ${relation} WHERE ${out.filter(Boolean).join(' OR ')}`, sample: value };
    }
    case 'allowed_values': {
      const allowed = e.values.filter((v) => v !== null).map(literal);
      const cond = allowed.length ? ` AND ${c} NOT IN (${allowed.join(', ')})` : '';
      return { failing: `SELECT ${c} FROM ${relation} WHERE ${c} IS NOT NULL${cond}`, sample: value };
    }
    case 'regex':
      return {
        failing: `SELECT ${c} FROM ${relation} WHERE NOT regexp_matches(CAST(${c} AS VARCHAR), ${quoteLiteral(e.pattern)})`,
        sample: value,
      };
  }
}

function literal(v: Bound): string {
  if (v === null) return 'NULL';
  return typeof v === 'number' ? String(v) : quoteLiteral(v);
}
