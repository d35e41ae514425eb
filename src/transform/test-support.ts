/** Test helpers: bronze-like tables built from rows, and a contract run that checks reconciliation. */
import assert from 'node:assert/strict';
import { type Engine, quoteIdent, quoteLiteral, type Row } from '../engine/index.js';
import { parseContract } from './contract-parse.js';
import { releaseContractRun, runContract, type ContractRunOutput } from './run-contract.js';

export type Cell = string | number | boolean | null;

function cell(v: Cell): string {
  if (v === null) return 'NULL';
  if (typeof v === 'string') return quoteLiteral(v);
  return String(v);
}

/**
 * A bronze-like table: the given VARCHAR columns plus _ingested_at, _source_file, _source_line
 * (the row's 1-based position) and _batch_id.
 */
export async function bronze(
  engine: Engine,
  name: string,
  header: string[],
  rows: Cell[][],
  batch: { ingestedAt?: string; file?: string } = {},
): Promise<string> {
  const at = batch.ingestedAt ?? '2024-06-01 00:00:00+00';
  const file = batch.file ?? 'landing/part-0.csv';
  const cols = header.map((h) => `${quoteIdent(h)} VARCHAR`).join(', ');
  await engine.run(`CREATE TABLE ${quoteIdent(name)} (${cols}, _ingested_at TIMESTAMPTZ, _source_file VARCHAR, _source_line BIGINT, _batch_id VARCHAR)`);
  if (rows.length) {
    const values = rows.map((r, i) => `(${[...r.map(cell), quoteLiteral(at), quoteLiteral(file), String(i + 1), quoteLiteral('b1')].join(', ')})`);
    await engine.run(`INSERT INTO ${quoteIdent(name)} VALUES ${values.join(', ')}`);
  }
  return quoteIdent(name);
}

export interface RunResult {
  out: ContractRunOutput;
  merged: Row[];
  quarantine: Row[];
}

/** Parses `contract`, runs it, checks rows_in = written + quarantined + deduplicated, and reads both outputs. */
export async function runRaw(
  engine: Engine,
  contract: unknown,
  source: string,
  options: { current?: string; lookup?: Record<string, string>; orderBy?: string; name?: string; keepAs?: string } = {},
): Promise<RunResult> {
  const c = parseContract(options.name ?? 'orders', contract);
  const out = await runContract(engine, {
    contract: c,
    name: options.name ?? 'orders',
    source,
    ...(options.current ? { current: options.current } : {}),
    lookup: (t) => options.lookup?.[t] ?? t,
    runId: 'run-1',
    secret: 's3cret',
  });
  const { rows_in, rows_written, rows_quarantined, rows_deduplicated } = out.counts;
  assert.equal(rows_in, rows_written + rows_quarantined + rows_deduplicated, 'rows reconcile');
  const first = Object.keys(c.columns)[0]!;
  const order = options.orderBy ?? quoteIdent(first);
  const merged = await engine.allJson(`SELECT * FROM ${out.merged} ORDER BY ${order}`);
  const quarantine = await engine.allJson(`SELECT * FROM ${out.quarantine} ORDER BY _source_line`);
  assert.equal(merged.length, rows_written);
  assert.equal(quarantine.length, rows_quarantined);
  if (options.keepAs) await engine.run(`CREATE TABLE ${quoteIdent(options.keepAs)} AS SELECT * FROM ${out.merged}`);
  await releaseContractRun(engine, out);
  return { out, merged, quarantine };
}

/** The expectation result for `rule` (and `column`), failing loudly when absent. */
export function expectation(out: ContractRunOutput, rule: string, column?: string): ContractRunOutput['expectations'][number] {
  const found = out.expectations.find((e) => e.rule === rule && (column === undefined || e.column === column));
  assert.ok(found, `no expectation ${rule}${column ? ` on ${column}` : ''} in ${JSON.stringify(out.expectations)}`);
  return found;
}
