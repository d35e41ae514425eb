/**
 * Dedup and merge: among rows with the same key (new ones and the current silver row), the latest
 * by order_by wins; ties go to the later _ingested_at, then _source_file, then _source_line, then
 * to the current row (a replay changes nothing). Without a key, exact duplicates collapse.
 * Then `unique` expectations are flagged on the winners against the new silver state.
 */
import { quoteIdent } from '../engine/index.js';
import type { Check } from './checks.js';
import type { SilverContract } from './contract-schema.js';
import { LINEAGE_COLUMNS } from './lineage.js';
import { maskSql } from './mask-sql.js';
import type { ColumnPlan } from './standardize-sql.js';

export interface CurrentRelation {
  readonly relation: string;
  /** Column names it has (lowercase). */
  readonly columns: ReadonlySet<string>;
}

export interface DedupInput {
  readonly contract: SilverContract;
  /** The contract's columns (read and derived): their names and masks. */
  readonly columns: readonly Pick<ColumnPlan, 'name' | 'spec'>[];
  readonly current?: CurrentRelation;
  readonly secret: string;
}

const keyRef = (i: number): string => `__silt_k${i}`;

/** How a column is stored in silver, for comparing new values with current rows. */
function stored(p: DedupInput, column: string): string {
  const plan = p.columns.find((c) => c.name === column);
  return plan ? maskSql(quoteIdent(column), plan.spec, p.secret) : quoteIdent(column);
}

/** Survivors (`keep`) deduplicated, without the `drop` columns. */
export function winnersSql(p: DedupInput, checked: string, keep: string, drop: readonly string[]): string {
  const key = p.contract.key;
  const exclude = drop.length ? ` EXCLUDE (${drop.join(', ')})` : '';
  if (!key) {
    const all = p.columns.map((c) => quoteIdent(c.name)).join(', ');
    return `SELECT * EXCLUDE (__silt_rk) FROM (SELECT *${exclude}, row_number() OVER (PARTITION BY ${all} ORDER BY ${tieBreak(p)}) AS __silt_rk FROM ${checked} WHERE ${keep}) WHERE __silt_rk = 1`;
  }
  const keys = key.map((k, i) => `${stored(p, k)} AS ${keyRef(i)}`).join(', ');
  const parts = [`SELECT *${exclude}, ${keys}, 0 AS __silt_cur FROM ${checked} WHERE ${keep}`];
  const cur = p.current;
  if (cur) {
    const cols = key.map((k, i) => `__silt_c.${quoteIdent(k)} AS ${keyRef(i)}`);
    const ob = p.contract.order_by;
    if (ob && ob !== '_ingested_at') cols.push(`__silt_c.${quoteIdent(ob)} AS ${quoteIdent(ob)}`);
    for (const l of LINEAGE_COLUMNS) {
      cols.push(`${cur.columns.has(l.name) ? `__silt_c.${quoteIdent(l.name)}` : `CAST(NULL AS ${l.duckdb})`} AS ${quoteIdent(l.name)}`);
    }
    const match = key.map((k, i) => `__silt_n.${keyRef(i)} = __silt_c.${quoteIdent(k)}`).join(' AND ');
    parts.push(
      `SELECT ${cols.join(', ')}, 1 AS __silt_cur FROM ${cur.relation} AS __silt_c WHERE EXISTS (SELECT 1 FROM __silt_new AS __silt_n WHERE ${match})`,
    );
  }
  const partition = key.map((_, i) => keyRef(i)).join(', ');
  // Most keys occur once (a current row always shares its key with a new one): only the rows of
  // repeated keys go through the window; the rest win as they are. __silt_new is read a few times
  // rather than copied; the current rows it touches are looked up once.
  return [
    `WITH __silt_new AS NOT MATERIALIZED (${parts[0]}),`,
    ...(parts[1] ? [`__silt_old AS MATERIALIZED (${parts[1]}),`] : []),
    `__silt_all AS NOT MATERIALIZED (SELECT * FROM __silt_new${parts[1] ? ' UNION ALL BY NAME SELECT * FROM __silt_old' : ''}),`,
    `__silt_dup AS (SELECT ${partition} FROM __silt_all GROUP BY ${partition} HAVING count(*) > 1),`,
    `__silt_ranked AS (SELECT *, row_number() OVER (PARTITION BY ${partition} ORDER BY ${tieBreak(p)}, __silt_cur DESC) AS __silt_rk FROM __silt_all SEMI JOIN __silt_dup USING (${partition}))`,
    `SELECT * EXCLUDE (__silt_cur) FROM __silt_all ANTI JOIN __silt_dup USING (${partition}) WHERE __silt_cur = 0`,
    `UNION ALL BY NAME SELECT * EXCLUDE (__silt_rk, __silt_cur) FROM __silt_ranked WHERE __silt_rk = 1 AND __silt_cur = 0`,
  ].join('\n');
}

function tieBreak(p: DedupInput): string {
  const ob = p.contract.order_by;
  const cols = [...(ob && ob !== '_ingested_at' ? [ob] : []), '_ingested_at', '_source_file', '_source_line'];
  return cols.map((c) => `${quoteIdent(c)} DESC NULLS LAST`).join(', ');
}

/** Winners plus one flag column per `unique` check. */
export function uniqueSql(p: DedupInput, winners: string, checks: readonly Check[]): string {
  const ctes: string[] = [];
  const flags = checks.map((check, i) => {
    const col = check.column!;
    const plan = p.columns.find((c) => c.name === col);
    const value = stored(p, col);
    const parts = [`SELECT ${value} AS v FROM ${winners}`];
    // Redacted or partially masked values cannot be compared with stored ones: within the batch only.
    const comparable = !plan?.spec.mask || plan.spec.mask === 'hash';
    const cur = p.current;
    if (cur && comparable && cur.columns.has(col.toLowerCase())) {
      const key = p.contract.key;
      const notReplaced = key
        ? ` WHERE NOT EXISTS (SELECT 1 FROM ${winners} AS __silt_w WHERE ${key.map((k, j) => `__silt_w.${keyRef(j)} = __silt_c.${quoteIdent(k)}`).join(' AND ')})`
        : '';
      parts.push(`SELECT __silt_c.${quoteIdent(col)} AS v FROM ${cur.relation} AS __silt_c${notReplaced}`);
    }
    ctes.push(`__silt_dup${i} AS (SELECT v FROM (${parts.join(' UNION ALL ')}) WHERE v IS NOT NULL GROUP BY v HAVING count(*) > 1)`);
    return `COALESCE(${value} IN (SELECT v FROM __silt_dup${i}), FALSE) AS ${check.id}`;
  });
  return `WITH ${ctes.join(',\n')}\nSELECT *, ${flags.join(', ')} FROM ${winners}`;
}
