/**
 * Runs a silver contract over new bronze rows on DuckDB: type + standardize + enrich + evaluate
 * casts in one pass into a temp table, every other rule as boolean columns in one SELECT, then
 * split into quarantine and survivors, dedup/merge, `unique`, and mask. No per-row JS.
 */
import { type Engine, quoteIdent } from '../engine/index.js';
import { InvalidInput } from '../errors.js';
import { planChecks, type Check } from './checks.js';
import { checkContractLiterals, checkPredicates } from './contract-sql-checks.js';
import type { SilverContract } from './contract-schema.js';
import { uniqueSql, winnersSql, type CurrentRelation, type DedupInput } from './dedup-sql.js';
import { LINEAGE_COLUMNS } from './lineage.js';
import { maskSql } from './mask-sql.js';
import { originalSql, QUARANTINE_COLUMNS, quarantineSelect } from './quarantine-sql.js';
import { countFlags, expectationResults, firstFailure, type ExpectationResult } from './run-report.js';
import { castHints } from './cast-hints.js';
import { describeColumns, readsOf, sourceColumns } from './source-columns.js';
import { planColumns } from './standardize-sql.js';
import { enrichColumns } from './enrich-columns.js';
import { bindContract, planDerived } from './derived-columns.js';
import { historyRows, versionContract } from './history.js';
import { childContract, dropExplodeRelations, emptyMerged, explodeRelations } from './explode.js';
import { judgeThresholds, thresholdFailure, type ThresholdFailure, type ThresholdResult } from './thresholds.js';
import { normRef, typedRef, typedSelect } from './typed-sql.js';

export interface ContractRunInput {
  contract: SilverContract;
  /** Silver table name, e.g. `orders`. */
  name: string;
  /** Relation (table/view name or quoted identifier) holding the NEW bronze rows. */
  source: string;
  /** Relation with the current silver rows, for merging; absent on the first run. */
  current?: string;
  /** Relation for a referenced table (references/enrich), e.g. `silver.customers` → a view name. */
  lookup: (table: string) => string;
  runId: string;
  /** Salts the PII hash. */
  secret: string;
}

export interface ContractRunOutput {
  /** Temp table: the new silver state of the affected keys (rows to upsert), typed as the contract. */
  merged: string;
  /** Temp table: one row per quarantined input row (see QUARANTINE_COLUMNS). */
  quarantine: string;
  counts: { rows_in: number; rows_written: number; rows_quarantined: number; rows_deduplicated: number };
  expectations: ExpectationResult[];
  /** Why values did not cast to a date, timestamp or number: count, samples, first source line. */
  hints: string[];
  /** Each declared threshold, judged on the batch. */
  thresholds: ThresholdResult[];
  /** A `fail` rule was broken, or a threshold exceeded: commit nothing. */
  failed?: { rule: string; reason: string; details?: ThresholdFailure['details'] };
}

let sequence = 0;

/**
 * Checks that every contract column finds its source column in `relation` (an empty one will do)
 * and that rule literals fit the column types, so a typo fails the run even when no new rows arrive.
 */
export async function checkContractSource(engine: Engine, declared: SilverContract, name: string, relation: string): Promise<void> {
  const context = `transform: silver.${name}`;
  const contract = await bindContract(engine, declared, name);
  const columns = planColumns(contract, await sourceColumns(engine, relation, contract.flatten, context, readsOf(contract.columns, contract.flatten)), context);
  await checkContractLiterals(engine, contract, name, columns);
  for (const e of contract.explode ?? []) {
    const r = await explodeRelations(engine, contract, e, { source: relation, merged: emptyMerged(contract), prefix: `__silt_check_${name}_${e.into}` }, context);
    try {
      await checkContractSource(engine, childContract(contract, e), e.into, r.elements);
    } finally {
      await dropExplodeRelations(engine, r);
    }
  }
}

export async function runContract(engine: Engine, input: ContractRunInput): Promise<ContractRunOutput> {
  const { name, secret } = input;
  const context = `transform: silver.${name}`;
  const contract = await bindContract(engine, input.contract, name);
  const derived = await planDerived(engine, contract);
  const source = await sourceColumns(engine, input.source, contract.flatten, context, readsOf(contract.columns, contract.flatten));
  const columns = planColumns(contract, source, context);
  const original = originalSql(source, columns, secret);
  // Read and derived columns in declaration order: the order silver stores them in.
  const all = Object.keys(contract.columns).map((n) => [...columns, ...derived].find((c) => c.name === n)!);
  const checks = planChecks({
    contract, columns, derived, lookup: input.lookup, secret, original,
    castRefs: (i) => ({ norm: normRef(i), typed: typedRef(i) }),
  });
  const byStage = (s: Check['stage']): Check[] => checks.filter((c) => c.stage === s);
  const rowChecks = [...byStage('cast'), ...byStage('row')];
  const uniqueChecks = byStage('unique');
  const current = input.current === undefined ? undefined : await describeCurrent(engine, input.current, contract, context);
  const dedup: DedupInput = { contract: versionContract(contract), columns: all, secret, ...(current ? { current } : {}) };

  const id = `${++sequence}_${Date.now().toString(36)}`;
  const temp = (kind: string): string => quoteIdent(`__silt_tx_${id}_${kind}`);
  const t = { typed: temp('typed'), checked: temp('checked'), winners: temp('winners'), final: temp('final'), merged: temp('merged'), quarantine: temp('quarantine'), history: temp('history') };
  const anyOf = (cs: readonly Check[]): string => (cs.length ? cs.map((c) => c.id).join(' OR ') : 'FALSE');
  const drops = rowChecks.filter((c) => c.policy === 'drop');
  const uniqueDrops = uniqueChecks.filter((c) => c.policy === 'drop');
  let done = false;
  await checkContractLiterals(engine, contract, name, all);
  try {
    await engine.run(`CREATE TEMP VIEW ${t.typed} AS ${typedSelect({ contract, source: input.source, sourceColumns: source, columns, derived, castChecks: byStage('cast'), lookup: input.lookup })}`);
    await checkPredicates(engine, contract, name, t.typed);
    const flags = byStage('row').map((c) => `, ${c.flag} AS ${c.id}`).join('');
    // The raw row feeds only the quarantine's `original` and samples, i.e. flagged rows, unless a
    // `unique` drop can still quarantine any winner. Kept on every row, it copied each source value twice.
    const raw = uniqueDrops.length ? '' : ` REPLACE (CASE WHEN ${anyOf(rowChecks)} THEN __silt_raw END AS __silt_raw)`;
    await engine.run(`CREATE TEMP TABLE ${t.checked} AS SELECT *${raw} FROM (SELECT *${flags} FROM ${t.typed})`);
    const winners = winnersSql(dedup, t.checked, `NOT (${anyOf(drops)})`, [...rowChecks.map((c) => c.id), ...(uniqueDrops.length ? [] : ['__silt_raw'])]);
    const output = [
      ...all.map((c) => `CAST(${maskSql(quoteIdent(c.name), c.spec, secret)} AS ${c.type.duckdb}) AS ${quoteIdent(c.name)}`),
      ...contract.enrich.flatMap(enrichColumns).map((c) => quoteIdent(c.as)),
      ...LINEAGE_COLUMNS.map((l) => quoteIdent(l.name)),
    ].join(', ');
    // Without `unique` rules the winners are the merged rows: one pass from checked, no copy between.
    const final = uniqueChecks.length ? t.final : undefined;
    if (final) {
      await engine.run(`CREATE TEMP TABLE ${t.winners} AS ${winners}`);
      await engine.run(`CREATE TEMP TABLE ${t.final} AS ${uniqueSql(dedup, t.winners, uniqueChecks)}`);
      await engine.run(`CREATE TEMP TABLE ${t.merged} AS SELECT ${output} FROM ${t.final} WHERE NOT (${anyOf(uniqueDrops)})`);
    } else {
      await engine.run(`CREATE TEMP TABLE ${t.merged} AS SELECT ${output} FROM (${winners}) AS __silt_w`);
    }
    const parts = [
      ...(drops.length ? [quarantineSelect(t.checked, drops, input.runId, original)] : []),
      ...(final && uniqueDrops.length ? [quarantineSelect(final, uniqueDrops, input.runId, original)] : []),
    ];
    const empty = `SELECT ${QUARANTINE_COLUMNS.map((c) => `CAST(NULL AS ${c.duckdb}) AS ${quoteIdent(c.name)}`).join(', ')} WHERE FALSE`;
    await engine.run(`CREATE TEMP TABLE ${t.quarantine} AS ${parts.length ? parts.join(' UNION ALL ') : empty}`);

    const rowCounts = await countFlags(engine, t.checked, rowChecks, { __silt_dropped: anyOf(drops) });
    const uniqueCounts = final ? await countFlags(engine, final, uniqueChecks) : new Map<string, number>();
    const rowsIn = rowCounts.get('__silt_rows')!;
    const survivors = rowsIn - rowCounts.get('__silt_dropped')!;
    const written = await count(engine, t.merged);
    const counts = {
      rows_in: rowsIn,
      rows_written: written,
      rows_quarantined: await count(engine, t.quarantine),
      rows_deduplicated: survivors - (uniqueCounts.get('__silt_rows') ?? written),
    };
    if (counts.rows_in !== counts.rows_written + counts.rows_quarantined + counts.rows_deduplicated) {
      throw new Error(`${context}: reconciliation broken: ${JSON.stringify(counts)}`);
    }
    const expectations = await expectationResults(
      engine,
      checks.map((check) => {
        const unique = check.stage === 'unique';
        return { check, table: unique ? final! : t.checked, failing: (unique ? uniqueCounts : rowCounts).get(check.id) ?? 0 };
      }),
    );
    const declared = checks.filter((c) => !c.implicit).map((check, i) => ({
      expectation: contract.expectations[i]!,
      failing: (check.stage === 'unique' ? uniqueCounts : rowCounts).get(check.id) ?? 0,
    }));
    const thresholds = judgeThresholds(contract, counts.rows_in, counts.rows_quarantined, declared);
    const failed = firstFailure(expectations) ?? thresholdFailure(thresholds);
    const hints = await castHints(engine, contract, checks, t.checked, expectations);
    // With history, the rows to upsert are every version of the keys the new versions touch.
    if (contract.history) await historyRows(engine, contract, t.merged, input.current, t.history);
    done = true;
    return { merged: contract.history ? t.history : t.merged, quarantine: t.quarantine, counts, expectations, hints, thresholds, ...(failed ? { failed } : {}) };
  } finally {
    await engine.run(`DROP VIEW IF EXISTS ${t.typed}`);
    for (const table of [t.checked, t.winners, t.final, ...(contract.history ? [t.merged] : []), ...(done ? [] : [t.merged, t.history, t.quarantine])]) {
      await engine.run(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}

/** Drops the temp tables a run returned, once the caller has written them. */
export async function releaseContractRun(engine: Engine, output: Pick<ContractRunOutput, 'merged' | 'quarantine'>): Promise<void> {
  await engine.run(`DROP TABLE IF EXISTS ${output.merged}`);
  await engine.run(`DROP TABLE IF EXISTS ${output.quarantine}`);
}

async function count(engine: Engine, table: string): Promise<number> {
  const [row] = await engine.allJson<{ n: string }>(`SELECT count(*) AS n FROM ${table}`);
  return Number(row!.n);
}

async function describeCurrent(engine: Engine, relation: string, contract: SilverContract, context: string): Promise<CurrentRelation> {
  const names = new Set((await describeColumns(engine, `SELECT * FROM ${relation}`)).map((c) => c.name.toLowerCase()));
  for (const k of [...(contract.key ?? []), ...(contract.order_by ? [contract.order_by] : [])]) {
    if (!names.has(k.toLowerCase())) throw new InvalidInput(`${context}: the current silver rows have no column ${k}; expected the contract's key and order_by columns`);
  }
  return { relation, columns: names };
}
