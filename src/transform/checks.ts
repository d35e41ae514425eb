/**
 * Every rule a row is held to, in order: implicit ones per column (a failed cast, a missing
 * required or key value), then the declared expectations. Each is a boolean SQL flag that is TRUE
 * when the row FAILS, a reason and a sample value (both masked for PII columns).
 */
import { quoteIdent, quoteLiteral } from '../engine/index.js';
import { isNumeric, type ColumnType } from './column-type.js';
import type { Policy, SilverContract } from './contract-schema.js';
import { maskSql, reportMask } from './mask-sql.js';
import { castExpectation, type ColumnPlan } from './standardize-sql.js';
import { derivedRawRef, type DerivedPlan } from './derived-columns.js';

export interface Check {
  /** Flag column name in the checked table. */
  readonly id: string;
  readonly label: string;
  readonly column?: string;
  readonly policy: Policy;
  /** Implicit checks are reported only when rows fail them. */
  readonly implicit: boolean;
  /** `cast`: evaluated while typing; `row`: over the typed row; `unique`: after dedup. */
  readonly stage: 'cast' | 'row' | 'unique';
  readonly flag: string;
  readonly reason: string;
  readonly sample: string;
}

export interface CheckContext {
  readonly contract: SilverContract;
  readonly columns: readonly ColumnPlan[];
  readonly derived: readonly DerivedPlan[];
  readonly lookup: (table: string) => string;
  readonly secret: string;
  /** SQL for the masked raw row as JSON text (the quarantine's `original`). */
  readonly original: string;
  /** SQL for the norm and typed value of column i while typing. */
  readonly castRefs: (i: number) => { norm: string; typed: string };
}

export function planChecks(ctx: CheckContext): Check[] {
  const { contract, columns, derived } = ctx;
  const all = [...columns, ...derived];
  const checks: Check[] = [];
  const add = (c: Omit<Check, 'id'>): void => void checks.push({ id: `__silt_f${checks.length}`, ...c });
  const text = (s: string): string => quoteLiteral(s);
  const shown = (column: string): string => {
    const plan = all.find((c) => c.name === column);
    if (plan && plan.type.kind !== 'string') return `CAST(${quoteIdent(column)} AS VARCHAR)`;
    const v = plan ? maskSql(quoteIdent(column), reportMask(plan.spec), ctx.secret) : quoteIdent(column);
    return `CAST(to_json(${v}) AS VARCHAR)`;
  };
  const sampleOf = (column: string): string => {
    const plan = all.find((c) => c.name === column);
    return `CAST(${plan ? maskSql(quoteIdent(column), reportMask(plan.spec), ctx.secret) : quoteIdent(column)} AS VARCHAR)`;
  };

  // A value that cannot be typed is NULL once typed; it counts under `type`, not also as missing.
  const typeCheck = new Map<string, string>();
  const missing = (column: string): string => {
    const failedCast = typeCheck.get(column);
    return `(${quoteIdent(column)} IS NULL${failedCast ? ` AND NOT ${failedCast}` : ''})`;
  };
  columns.forEach((plan, i) => {
    if (!plan.canFail) return;
    typeCheck.set(plan.name, `__silt_f${checks.length}`);
    const { norm, typed } = ctx.castRefs(i);
    const raw = `CAST(to_json(trim(CAST(struct_extract(__silt_raw, ${text(plan.source.name)}) AS VARCHAR))) AS VARCHAR)`;
    add({
      label: 'type', column: plan.name, policy: 'drop', implicit: true, stage: 'cast',
      flag: `(${norm} IS NOT NULL AND ${typed} IS NULL)`,
      reason: `${text(`${plan.name}: cannot read `)} || ${raw} || ${text(` as ${castExpectation(plan)}`)}`,
      sample: `trim(CAST(struct_extract(__silt_raw, ${text(plan.source.name)}) AS VARCHAR))`,
    });
  });
  derived.forEach((plan, j) => {
    if (!plan.cast) return;
    const raw = derivedRawRef(j);
    add({
      label: 'type', column: plan.name, policy: 'drop', implicit: true, stage: 'row',
      flag: `(${raw} IS NOT NULL AND TRY_CAST(${raw} AS ${plan.type.duckdb}) IS NULL)`,
      reason: `${text(`${plan.name}: expression gives `)} || CAST(to_json(${raw}) AS VARCHAR) || ${text(`, not a ${plan.type.text}`)}`,
      sample: `CAST(${raw} AS VARCHAR)`,
    });
  });
  for (const plan of all) {
    const isKey = contract.key?.includes(plan.name) ?? false;
    const isVersion = contract.history && contract.order_by === plan.name;
    if (!plan.spec.required && !isKey && !isVersion) continue;
    add({
      label: 'required', column: plan.name, policy: 'drop', implicit: true, stage: 'row',
      flag: missing(plan.name),
      reason: text(`${plan.name}: ${isKey ? 'key' : isVersion ? 'order_by (history)' : 'required'} value is missing`),
      sample: `'NULL'`,
    });
  }
  for (const x of contract.expectations) {
    if (x.rule === 'sql') {
      add({
        label: x.name, policy: x.policy, implicit: false, stage: 'row',
        flag: `(NOT COALESCE(CAST((\n${x.predicate}\n) AS BOOLEAN), TRUE))`, // checked by checkPredicates first
        reason: text(`${x.name}: predicate is false: ${x.predicate}`),
        sample: ctx.original,
      });
      continue;
    }
    const col = quoteIdent(x.column);
    const type = all.find((c) => c.name === x.column)?.type;
    const base = { label: x.name ?? x.rule, column: x.column, policy: x.policy, implicit: false };
    const flagged = (cond: string, reason: string): void =>
      add({ ...base, stage: 'row', flag: `COALESCE(${cond}, FALSE)`, reason, sample: sampleOf(x.column) });
    const said = (s: string): string => `${text(`${x.column}: `)} || ${shown(x.column)} || ${text(s)}`;
    switch (x.rule) {
      case 'not_null':
        flagged(missing(x.column), text(`${x.column}: value is missing`));
        break;
      case 'unique':
        add({ ...base, stage: 'unique', flag: '', reason: said(' is not unique'), sample: sampleOf(x.column) });
        break;
      case 'range': {
        const parts: string[] = [];
        const lo = x.min === undefined ? undefined : literal(x.min, type);
        const hi = x.max === undefined ? undefined : literal(x.max, type);
        if (lo) parts.push(`${col} < ${lo}`);
        if (hi) parts.push(`${col} > ${hi}`);
        const below = said(` is below min ${x.min}`);
        const above = said(` is above max ${x.max}`);
        flagged(parts.join(' OR '), lo && hi ? `CASE WHEN ${col} < ${lo} THEN ${below} ELSE ${above} END` : lo ? below : above);
        break;
      }
      case 'allowed_values':
        flagged(`NOT list_contains([${x.values.map((v) => literal(v, type)).join(', ')}], ${col})`, said(` is not one of ${x.values.join(', ')}`));
        break;
      case 'regex':
        flagged(`NOT regexp_matches(CAST(${col} AS VARCHAR), ${text(x.pattern)})`, said(` does not match ${x.pattern}`));
        break;
      case 'length': {
        const parts = [x.min === undefined ? '' : `length(${col}) < ${x.min}`, x.max === undefined ? '' : `length(${col}) > ${x.max}`];
        const want = x.min === undefined ? `at most ${x.max}` : x.max === undefined ? `at least ${x.min}` : `${x.min}..${x.max}`;
        flagged(
          parts.filter(Boolean).join(' OR '),
          `${said(' has length ')} || CAST(length(${col}) AS VARCHAR) || ${text(`; expected ${want}`)}`,
        );
        break;
      }
      case 'references': {
        const to = quoteIdent(x.to);
        flagged(
          `${col} IS NOT NULL AND NOT (${col} IN (SELECT __silt_ref.${to} FROM ${ctx.lookup(x.table)} AS __silt_ref WHERE __silt_ref.${to} IS NOT NULL))`,
          said(` not found in ${x.table}.${x.to}`),
        );
        break;
      }
    }
  }
  return checks;
}

/** A rule's literal as SQL: cast to the column type when the column is declared and not numeric. */
export function literal(v: string | number | boolean, type: ColumnType | undefined): string {
  if (type && (!isNumeric(type) || typeof v !== 'number')) return `CAST(${quoteLiteral(String(v))} AS ${type.duckdb})`;
  if (typeof v === 'number') return String(v);
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  return quoteLiteral(v);
}

