import { isUserError, RunFailed } from '../errors.js';
import { inferFields, quoteIdent, replaceRows, replaceWhere, SqlSession, toTrinoSql, type WriteSummary } from '../engine/index.js';
import { checkModel, planIncremental, tableOf, type Model } from '../models/index.js';
import { buildSchema, currentSchema, mergeFields, parsePartitionSpec, summaryState, type Table } from '../table/index.js';
import type { StepContext, StepOutcome } from './context.js';
import { freshFields } from './full-refresh.js';
import { bindUpstream, changedRelations, currentUpstream, parseUpstream, UPSTREAM_PROPERTY } from './gold-upstream.js';
import { stageOnTrino, stepTrino } from './trino-steps.js';

export { UPSTREAM_PROPERTY };

/**
 * Builds a gold model. Its rows are computed into a temp relation and checked by the model's
 * expectations before one commit: a full rebuild replaces the table's content; an incremental
 * model recomputes only the keys that upstream changes since its last build touch, and replaces
 * those. Unchanged upstream (and SQL) means nothing to do.
 */
export async function goldStep(ctx: StepContext, model: Model): Promise<StepOutcome> {
  try {
    return await buildModel(ctx, model);
  } catch (e) {
    // The SQL is the model file's: say so, rather than `query:` as if the user had typed it.
    if (isUserError(e) && !e.message.includes(model.file)) e.message = `${model.file}: ${e.message.replace(/^(query|catalog): /, '')}`;
    throw e;
  }
}

async function buildModel(ctx: StepContext, model: Model): Promise<StepOutcome> {
  const target = tableOf(model);
  const [ns, name] = target.split('.') as [string, string];
  const now = await currentUpstream(ctx, model);
  const existing = (await ctx.catalog.tableExists(ns, name)) ? await ctx.catalog.loadTable(ns, name) : undefined;
  const before = parseUpstream(existing ? summaryState(existing.metadata, UPSTREAM_PROPERTY) : undefined);
  const full = !!ctx.fullRefresh;
  if (!full && before && JSON.stringify(before) === JSON.stringify(now)) return nothing(model, { upToDate: true });

  const relation = `__gold_${model.name}`;
  const views: string[] = [];
  try {
    let replace: string | undefined;
    /** Bytes of upstream data files a full build read (an incremental one reads changes only, and is not measured). */
    let bytesScanned: number | undefined;
    // On Trino a model is built whole (an incremental one too): Trino reads the upstream tables as they are now.
    const trino = stepTrino(ctx, model.config.engine, model.file);
    const incremental = !full && !trino && model.config.materialized === 'incremental' && existing && before && before.sql === now.sql;
    const changed = incremental ? await changedRelations(ctx, model, before, now, views) : undefined;
    if (trino) {
      const sql = model.config.dialect === 'trino' ? model.sql : await toTrinoSql(ctx.engine, model.sql, model.file);
      await stageOnTrino(ctx, trino, { table: target, sql, what: model.file, relation });
    } else if (changed) {
      const plan = await planIncremental(ctx.engine, model, changed, await bindUpstream(ctx, model, views));
      const touched = `__touched_${model.name}`;
      await ctx.engine.run(`CREATE OR REPLACE TEMP TABLE ${quoteIdent(touched)} AS ${plan.touchedSql}`);
      views.push(touched);
      await ctx.engine.run(`CREATE OR REPLACE TEMP TABLE ${quoteIdent(relation)} AS ${plan.rebuildSql(quoteIdent(touched))}`);
      replace = plan.replacedPredicate(quoteIdent(touched));
    } else {
      // SQL in Trino's dialect keeps Trino's meanings on DuckDB too.
      const session = model.config.dialect === 'trino' ? new SqlSession(ctx.engine, ctx.catalog, { ...ctx.access, trinoForms: true }) : ctx.session;
      bytesScanned = (await session.materialize(model.sql, relation)).stats.bytes_scanned;
    }
    const [count] = await ctx.engine.all<{ n: bigint }>(`SELECT count(*) AS n FROM ${quoteIdent(relation)}`);
    const rows = Number(count?.n ?? 0);
    const expectations = await checkModel(ctx.engine, model, quoteIdent(relation));
    const failed = expectations.find((e) => e.policy === 'fail' && e.failing_rows > 0);
    if (failed) {
      throw new RunFailed(
        `${target}: expectation ${failed.rule}${failed.column ? `(${failed.column})` : ''} failed on ${failed.failing_rows} rows` +
          `${failed.sample.length ? ` (e.g. ${failed.sample.slice(0, 3).join('; ')})` : ''}; nothing was committed`,
      );
    }
    const table = await ensureTable(ctx, model, relation, full);
    const write: WriteSummary = { summary: { 'silt.run-id': ctx.runId, [UPSTREAM_PROPERTY]: JSON.stringify(now) }, commitEmpty: true };
    const select = `SELECT * FROM ${quoteIdent(relation)}`;
    const snapshot = await ctx.catalog.guardWrite(ns, name, () =>
      replace === undefined
        ? replaceRows(ctx.engine, table, ctx.store, select, write)
        : replaceWhere(ctx.engine, table, ctx.store, { where: replace, insert: select }, write),
    );
    return {
      rowsIn: rows,
      rowsWritten: rows,
      rowsQuarantined: 0,
      rowsDeduplicated: 0,
      bytesWritten: Number(snapshot?.summary['added-files-size'] ?? 0),
      snapshotId: snapshot?.['snapshot-id'].toString(),
      details: { model: model.file, build: full ? 'full refresh' : replace === undefined ? 'full' : 'incremental', engine: trino ? 'trino' : 'duckdb', expectations, ...(bytesScanned === undefined ? {} : { bytesScanned }) },
    };
  } finally {
    await ctx.engine.run(`DROP TABLE IF EXISTS ${quoteIdent(relation)}`);
    for (const v of views) {
      await ctx.engine.run(`DROP VIEW IF EXISTS ${v.includes('.') ? v : quoteIdent(v)}`).catch(() => undefined);
      await ctx.engine.run(`DROP TABLE IF EXISTS ${v.includes('.') ? v : quoteIdent(v)}`).catch(() => undefined);
    }
  }
}

function nothing(model: Model, details: Record<string, unknown>): StepOutcome {
  return { rowsIn: 0, rowsWritten: 0, rowsQuarantined: 0, rowsDeduplicated: 0, bytesWritten: 0, details: { model: model.file, ...details } };
}

/** The model's table, created from the built rows' columns (and partitioning), or evolved to take them (exactly them when `fresh`). */
async function ensureTable(ctx: StepContext, model: Model, relation: string, fresh: boolean): Promise<Table> {
  const target = tableOf(model);
  const [ns, name] = target.split('.') as [string, string];
  const fields = await inferFields(ctx.engine, `SELECT * FROM ${quoteIdent(relation)}`);
  if (await ctx.catalog.tableExists(ns, name)) {
    const table = await ctx.catalog.loadTable(ns, name);
    const changes = fresh ? freshFields(currentSchema(table.metadata), fields) : mergeFields(target, currentSchema(table.metadata), fields, 'gold');
    if (changes.length) await table.evolveSchema(changes);
    return table;
  }
  const { schema, lastColumnId } = buildSchema(fields);
  const partitionFields = model.config.partitionBy ? parsePartitionSpec(model.config.partitionBy, schema) : [];
  return ctx.catalog.createTable(ns, name, { schema, lastColumnId, partitionFields }, { ifNotExists: true });
}
