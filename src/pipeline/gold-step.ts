import { createHash } from 'node:crypto';
import { RunFailed } from '../errors.js';
import { inferFields, quoteIdent, replaceRows } from '../engine/index.js';
import { checkModel, tableOf, type Model } from '../models/index.js';
import { buildSchema, currentSchema, mergeFields, parsePartitionSpec } from '../table/index.js';
import type { StepContext, StepOutcome } from './context.js';

/** The upstream snapshots a gold table was built from; unchanged upstream means nothing to rebuild. */
export const UPSTREAM_PROPERTY = 'silt.upstream-snapshots';

async function upstreamSnapshots(ctx: StepContext, model: Model): Promise<string> {
  const ids: Record<string, string> = {};
  for (const t of model.dependsOn) {
    const [ns, name] = t.split('.') as [string, string];
    ids[t] = (await ctx.catalog.tableExists(ns, name))
      ? ((await ctx.catalog.loadTable(ns, name)).metadata['current-snapshot-id']?.toString() ?? 'empty')
      : `unversioned@${Date.now()}`; // a crawled table has no snapshots: always rebuild
  }
  return JSON.stringify({ sql: hash(model.sql), ids });
}

function hash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/**
 * Builds a gold model: its SELECT runs over the catalog into a temp relation, its expectations are
 * checked there, and only then is the table's content replaced in one commit.
 */
export async function goldStep(ctx: StepContext, model: Model): Promise<StepOutcome> {
  const relation = `__gold_${model.name}`;
  const target = tableOf(model);
  const upstream = await upstreamSnapshots(ctx, model);
  const [ns0, name0] = target.split('.') as [string, string];
  if (await ctx.catalog.tableExists(ns0, name0)) {
    const built = (await ctx.catalog.loadTable(ns0, name0)).metadata.properties[UPSTREAM_PROPERTY];
    if (built === upstream) {
      return { rowsIn: 0, rowsWritten: 0, rowsQuarantined: 0, rowsDeduplicated: 0, bytesWritten: 0, details: { model: model.file, upToDate: true } };
    }
  }
  try {
    const built = await ctx.session.materialize(model.sql, relation);
    const rows = built.stats.rows;
    const expectations = await checkModel(ctx.engine, model, quoteIdent(relation));
    const failed = expectations.find((e) => e.policy === 'fail' && e.failing_rows > 0);
    if (failed) {
      throw new RunFailed(
        `${target}: expectation ${failed.rule}${failed.column ? `(${failed.column})` : ''} failed on ${failed.failing_rows} rows` +
          `${failed.sample.length ? ` (e.g. ${failed.sample.slice(0, 3).join('; ')})` : ''}; nothing was committed`,
      );
    }
    const fields = await inferFields(ctx.engine, `SELECT * FROM ${quoteIdent(relation)}`);
    const [ns, name] = target.split('.') as [string, string];
    let table;
    if (await ctx.catalog.tableExists(ns, name)) {
      table = await ctx.catalog.loadTable(ns, name);
      const changes = mergeFields(target, currentSchema(table.metadata), fields, 'gold');
      if (changes.length) await table.evolveSchema(changes);
    } else {
      const { schema, lastColumnId } = buildSchema(fields);
      const partitionFields = model.config.partitionBy ? parsePartitionSpec(model.config.partitionBy, schema) : [];
      table = await ctx.catalog.createTable(ns, name, { schema, lastColumnId, partitionFields }, { ifNotExists: true });
    }
    const snapshot = await ctx.catalog.guardWrite(ns, name, () =>
      replaceRows(ctx.engine, table, ctx.store, `SELECT * FROM ${quoteIdent(relation)}`, { summary: { 'silt.run-id': ctx.runId } }),
    );
    await table.setProperties({ [UPSTREAM_PROPERTY]: upstream });
    return {
      rowsIn: rows,
      rowsWritten: rows,
      rowsQuarantined: 0,
      rowsDeduplicated: 0,
      bytesWritten: Number(snapshot?.summary['added-files-size'] ?? 0),
      snapshotId: snapshot?.['snapshot-id'].toString(),
      details: { model: model.file, expectations },
    };
  } finally {
    await ctx.engine.run(`DROP TABLE IF EXISTS ${quoteIdent(relation)}`);
  }
}
