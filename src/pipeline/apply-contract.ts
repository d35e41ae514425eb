import { RunFailed } from '../errors.js';
import { appendWrite, currentScan, inferFields, mergeWrite, quoteIdent, quoteQualified, replaceWhereWrite, replaceWrite, scanSql, type TableWrite } from '../engine/index.js';
import { buildSchema, currentSchema, currentSnapshot, mergeFields, parsePartitionSpec, type Table } from '../table/index.js';
import { lookupColumns, releaseContractRun, runContract, type SilverContract } from '../transform/index.js';
import type { StepContext, StepOutcome } from './context.js';
import { freshFields } from './full-refresh.js';

export interface ContractBatch {
  /** Relation holding the source rows to process. */
  source: string;
  /** Predicate over quarantine rows (aliased `t`) that this batch replaces: reprocessing is idempotent. */
  replacesQuarantine: string;
  /** Extra columns for the quarantine rows, e.g. the batch key. */
  quarantineExtra: Record<string, string>;
  /** Recorded in the silver commit's summary, which is made even when no row changes. */
  summary: Record<string, string>;
  /** Silver table properties set in the same commit. */
  properties?: Record<string, string>;
  /** The batch is every source row: the silver rows it gives replace the table's, which are not merged with. */
  fullRefresh?: boolean;
}

/**
 * Runs a contract over a batch of source rows and commits, in one transaction over both tables,
 * the quarantined rows (replacing the rows an earlier attempt at the same batch left) and the good
 * rows merged by key. A broken `fail` rule, or counts that do not reconcile, commit nothing.
 */
export async function applyContract(ctx: StepContext, name: string, contract: SilverContract, batch: ContractBatch): Promise<StepOutcome> {
  const temps: string[] = [];
  const silver = !batch.fullRefresh && (await ctx.catalog.tableExists('silver', name)) ? await ctx.catalog.loadTable('silver', name) : undefined;
  let out;
  try {
    let current: string | undefined;
    if (silver) {
      current = `__silver_cur_${name}`;
      const files = (await silver.planFiles()).files;
      await ctx.engine.run(`CREATE OR REPLACE TEMP VIEW ${quoteIdent(current)} AS ${await scanSql(currentScan(silver.metadata, silver.name, files), ctx.store, { access: ctx.access })}`);
      temps.push(current);
    }
    const lookups = new Map<string, string>();
    for (const [t, columns] of lookupColumns(contract)) {
      const rel = `__lookup_${t.replace('.', '_')}`;
      // `t` is namespace.table (the contract schema's tableName).
      await ctx.session.materialize(`SELECT ${columns.map(quoteIdent).join(', ')} FROM ${quoteQualified(...t.split('.'))}`, rel).catch((e: unknown) => {
        if (e instanceof Error) e.message = `silver.${name}: references/enrich read ${columns.join(', ')} from ${t}: ${e.message}`;
        throw e;
      });
      temps.push(rel);
      lookups.set(t, quoteIdent(rel));
    }
    out = await runContract(ctx.engine, {
      contract,
      name,
      source: batch.source,
      current: current === undefined ? undefined : quoteIdent(current),
      lookup: (t) => {
        const rel = lookups.get(t.toLowerCase());
        if (rel === undefined) throw new Error(`silver.${name}: lookup table ${t} was not read`);
        return rel;
      },
      runId: ctx.runId,
      secret: ctx.secret,
    });
    if (out.failed) throw new RunFailed(`silver.${name}: rule ${out.failed.rule} failed: ${out.failed.reason}; nothing was committed`);
    const c = out.counts;
    if (c.rows_in !== c.rows_written + c.rows_quarantined + c.rows_deduplicated) {
      throw new RunFailed(`silver.${name}: rows do not reconcile (${JSON.stringify(c)}); nothing was committed`);
    }

    const extra = Object.entries(batch.quarantineExtra).map(([k, v]) => `, ${v} AS ${quoteIdent(k)}`).join('');
    const quarantineSql = `SELECT *${extra} FROM ${out.quarantine}`;
    const quarantine = await ensureTable(ctx, `${name}_quarantine`, quarantineSql);
    const table = await ensureTable(ctx, name, `SELECT * FROM ${out.merged}`, contract.partition_by, batch.fullRefresh);
    const keys = contract.key ?? [];
    const opts = { summary: { 'silt.run-id': ctx.runId, ...batch.summary }, commitEmpty: true, ...(batch.properties ? { properties: batch.properties } : {}) };
    const merged = out.merged;
    // The quarantine and the silver rows (with the state kept in their summary and properties)
    // become visible together, in one catalog transaction: a reader never sees one without the other.
    const snapshot = await ctx.catalog.guardWrite('silver', `${name}_quarantine`, () =>
      ctx.catalog.guardWrite('silver', name, async () => {
        const writes: TableWrite[] = [];
        try {
          writes.push(await replaceWhereWrite(ctx.engine, quarantine, ctx.store, { where: batch.replacesQuarantine, insert: quarantineSql }));
          writes.push(batch.fullRefresh
            ? replaceWrite(ctx.engine, table, ctx.store, `SELECT * FROM ${merged}`, opts)
            : keys.length
              ? await mergeWrite(ctx.engine, table, ctx.store, merged, keys, opts)
              : await appendWrite(ctx.engine, table, ctx.store, `SELECT * FROM ${merged}`, opts));
          const [, silverDone] = await ctx.catalog.commitTransaction(writes.map((w) => ({ table: w.table, change: w.change })));
          return silverDone!.changed ? currentSnapshot(silverDone!.metadata) : undefined;
        } catch (e) {
          for (const w of writes) await w.discard();
          throw e;
        }
      }),
    );
    return {
      rowsIn: c.rows_in,
      rowsWritten: c.rows_written,
      rowsQuarantined: c.rows_quarantined,
      rowsDeduplicated: c.rows_deduplicated,
      bytesWritten: Number(snapshot?.summary['added-files-size'] ?? 0),
      snapshotId: snapshot?.['snapshot-id'].toString(),
      details: { expectations: out.expectations },
    };
  } finally {
    if (out) await releaseContractRun(ctx.engine, out);
    for (const t of temps) {
      await ctx.engine.run(`DROP VIEW IF EXISTS ${quoteIdent(t)}`).catch(() => undefined);
      await ctx.engine.run(`DROP TABLE IF EXISTS ${quoteIdent(t)}`).catch(() => undefined);
    }
  }
}

/** Tables a contract reads besides its source: references and enrichment lookups. */
export function referencedTables(contract: SilverContract): string[] {
  return [...lookupColumns(contract).keys()];
}

/**
 * The silver table, evolved to hold `selectSql`'s columns (exactly them, as a new table would, when
 * `fresh`); created partitioned by `partitionBy` (apply evolves an existing one's spec).
 */
async function ensureTable(ctx: StepContext, name: string, selectSql: string, partitionBy?: string, fresh = false): Promise<Table> {
  const fields = await inferFields(ctx.engine, selectSql);
  if (await ctx.catalog.tableExists('silver', name)) {
    const table = await ctx.catalog.loadTable('silver', name);
    const changes = fresh ? freshFields(currentSchema(table.metadata), fields) : mergeFields(`silver.${name}`, currentSchema(table.metadata), fields, 'silver');
    if (changes.length) await table.evolveSchema(changes);
    return table;
  }
  const { schema, lastColumnId } = buildSchema(fields);
  const partitionFields = partitionBy ? parsePartitionSpec(partitionBy, schema) : [];
  return ctx.catalog.createTable('silver', name, { schema, lastColumnId, partitionFields }, { ifNotExists: true });
}
