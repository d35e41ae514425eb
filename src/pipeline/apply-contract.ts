import { RunFailed } from '../errors.js';
import { appendWrite, currentScan, inferFields, mergeWrite, quoteIdent, quoteQualified, replaceWhereWrite, replaceWrite, scanSql, type TableWrite } from '../engine/index.js';
import { buildSchema, currentSchema, currentSnapshot, mergeFields, parsePartitionSpec, type Table } from '../table/index.js';
import {
  lookupColumns,
  releaseContractRun,
  releaseExplodes,
  runContract,
  runExplodes,
  type ContractRunOutput,
  type ExplodeRun,
  type SilverContract,
} from '../transform/index.js';
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
 * Runs a contract over a batch of source rows and commits, in one transaction over its tables,
 * the quarantined rows (replacing the rows an earlier attempt at the same batch left), the good
 * rows merged by key, and each explode's child rows and quarantine. A broken `fail` rule, an
 * exceeded threshold, or counts that do not reconcile, in the parent or a child, commit nothing.
 */
export async function applyContract(ctx: StepContext, name: string, contract: SilverContract, batch: ContractBatch): Promise<StepOutcome> {
  const temps: string[] = [];
  const silver = !batch.fullRefresh && (await ctx.catalog.tableExists(ctx.layers.silver, name)) ? await ctx.catalog.loadTable(ctx.layers.silver, name) : undefined;
  let out: ContractRunOutput | undefined;
  let explodes: ExplodeRun[] = [];
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
        if (e instanceof Error) e.message = `${ctx.layers.table('silver', name)}: references/enrich read ${columns.join(', ')} from ${t}: ${e.message}`;
        throw e;
      });
      temps.push(rel);
      lookups.set(t, quoteIdent(rel));
    }
    const input = {
      contract,
      name,
      source: batch.source,
      ...(current === undefined ? {} : { current: quoteIdent(current) }),
      lookup: (t: string) => {
        const rel = lookups.get(t.toLowerCase());
        if (rel === undefined) throw new Error(`${ctx.layers.table('silver', name)}: lookup table ${t} was not read`);
        return rel;
      },
      runId: ctx.runId,
      secret: ctx.secret,
    };
    out = await runContract(ctx.engine, input);
    failIfBroken(ctx.layers.table('silver', name), out);
    explodes = await runExplodes(ctx.engine, input, out.merged);
    for (const x of explodes) failIfBroken(ctx.layers.table('silver', x.spec.into), x.out);
    const c = out.counts;

    const extra = Object.entries(batch.quarantineExtra).map(([k, v]) => `, ${v} AS ${quoteIdent(k)}`).join('');
    const keys = contract.key ?? [];
    const opts = { summary: { 'silt.run-id': ctx.runId, ...batch.summary }, commitEmpty: true };
    const parts: TablePart[] = [
      {
        name,
        out,
        partitionBy: contract.partition_by,
        rows: async (t) => {
          const parentOpts = { ...opts, ...(batch.properties ? { properties: batch.properties } : {}) };
          if (batch.fullRefresh) return replaceWrite(ctx.engine, t, ctx.store, `SELECT * FROM ${out!.merged}`, parentOpts);
          return keys.length ? mergeWrite(ctx.engine, t, ctx.store, out!.merged, keys, parentOpts) : appendWrite(ctx.engine, t, ctx.store, `SELECT * FROM ${out!.merged}`, parentOpts);
        },
      },
      ...explodes.map((x): TablePart => ({
        name: x.spec.into,
        out: x.out,
        // Every child row of a parent the batch wrote is replaced by its new elements (all of them
        // on a full refresh).
        rows: async (t) => batch.fullRefresh ? replaceWrite(ctx.engine, t, ctx.store, `SELECT * FROM ${x.out.merged}`, opts) : replaceWhereWrite(ctx.engine, t, ctx.store, {
          where: `EXISTS (SELECT 1 FROM ${x.relations.parents} s WHERE ${keys.map((k) => `s.${quoteIdent(k)} IS NOT DISTINCT FROM t.${quoteIdent(k)}`).join(' AND ')})`,
          insert: `SELECT * FROM ${x.out.merged}`,
        }, opts),
      })),
    ];
    const tables: { quarantine: Table; table: Table; part: TablePart; quarantineSql: string }[] = [];
    for (const part of parts) {
      const quarantineSql = `SELECT *${extra} FROM ${part.out.quarantine}`;
      const quarantine = await ensureTable(ctx, `${part.name}_quarantine`, quarantineSql);
      tables.push({ quarantine, table: await ensureTable(ctx, part.name, `SELECT * FROM ${part.out.merged}`, part.partitionBy, batch.fullRefresh), part, quarantineSql });
    }
    // Each quarantine and silver table (with the state kept in their summary and properties), the
    // children with their parent, become visible together in one catalog transaction: a reader
    // never sees one without the others.
    const snapshot = await guardAll(ctx, tables.flatMap((t) => [`${t.part.name}_quarantine`, t.part.name]), async () => {
      const writes: TableWrite[] = [];
      try {
        for (const t of tables) {
          writes.push(await replaceWhereWrite(ctx.engine, t.quarantine, ctx.store, { where: batch.replacesQuarantine, insert: t.quarantineSql }));
          writes.push(await t.part.rows(t.table));
        }
        const [, silverDone] = await ctx.catalog.commitTransaction(writes.map((w) => ({ table: w.table, change: w.change })));
        return silverDone!.changed ? currentSnapshot(silverDone!.metadata) : undefined;
      } catch (e) {
        for (const w of writes) await w.discard();
        throw e;
      }
    });
    const thresholds = out.thresholds.length ? { thresholds: out.thresholds } : {};
    const hints = [...out.hints, ...explodes.flatMap((x) => x.out.hints.map((h) => `${ctx.layers.table('silver', x.spec.into)}: ${h}`))];
    const children = explodes.length
      ? { explode: Object.fromEntries(explodes.map((x) => [ctx.layers.table('silver', x.spec.into), { ...x.out.counts, expectations: x.out.expectations, ...(x.out.thresholds.length ? { thresholds: x.out.thresholds } : {}) }])) }
      : {};
    return {
      rowsIn: c.rows_in,
      rowsWritten: c.rows_written,
      rowsQuarantined: c.rows_quarantined,
      rowsDeduplicated: c.rows_deduplicated,
      bytesWritten: Number(snapshot?.summary['added-files-size'] ?? 0),
      snapshotId: snapshot?.['snapshot-id'].toString(),
      ...(hints.length ? { warnings: hints } : {}),
      details: { expectations: out.expectations, ...thresholds, ...children },
    };
  } finally {
    if (out) await releaseContractRun(ctx.engine, out);
    await releaseExplodes(ctx.engine, explodes);
    for (const t of temps) {
      await ctx.engine.run(`DROP VIEW IF EXISTS ${quoteIdent(t)}`).catch(() => undefined);
      await ctx.engine.run(`DROP TABLE IF EXISTS ${quoteIdent(t)}`).catch(() => undefined);
    }
  }
}

/** One silver table a batch writes with its quarantine: the parent, or an explode's child. */
interface TablePart {
  name: string;
  out: ContractRunOutput;
  partitionBy?: string | undefined;
  rows: (table: Table) => Promise<TableWrite>;
}

/** A broken `fail` rule, an exceeded threshold or counts that do not reconcile: nothing is committed. */
function failIfBroken(id: string, out: ContractRunOutput): void {
  if (out.failed) {
    const reason = out.failed.details ? out.failed.reason : `rule ${out.failed.rule} failed: ${out.failed.reason}`;
    throw new RunFailed(`${id}: ${reason}; nothing was committed`, { details: { table: id, ...out.failed.details } });
  }
  const c = out.counts;
  if (c.rows_in !== c.rows_written + c.rows_quarantined + c.rows_deduplicated) {
    throw new RunFailed(`${id}: rows do not reconcile (${JSON.stringify(c)}); nothing was committed`);
  }
}

/** Runs `fn` holding each table's write guard (silver namespace), in the order given. */
function guardAll<T>(ctx: StepContext, names: readonly string[], fn: () => Promise<T>): Promise<T> {
  const [first, ...rest] = names;
  return first === undefined ? fn() : ctx.catalog.guardWrite(ctx.layers.silver, first, () => guardAll(ctx, rest, fn));
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
  if (await ctx.catalog.tableExists(ctx.layers.silver, name)) {
    const table = await ctx.catalog.loadTable(ctx.layers.silver, name);
    const changes = fresh ? freshFields(currentSchema(table.metadata), fields) : mergeFields(ctx.layers.table('silver', name), currentSchema(table.metadata), fields, 'silver');
    if (changes.length) await table.evolveSchema(changes);
    return table;
  }
  const { schema, lastColumnId } = buildSchema(fields);
  const partitionFields = partitionBy ? parsePartitionSpec(partitionBy, schema) : [];
  return ctx.catalog.createTable(ctx.layers.silver, name, { schema, lastColumnId, partitionFields }, { ifNotExists: true });
}
