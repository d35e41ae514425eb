import { parseTableName } from '../catalog/index.js';
import { currentScan, quoteIdent, quoteLiteral, quoteQualified, scanSql } from '../engine/index.js';
import { summaryState, type DataFile, type Table } from '../table/index.js';
import { didYouMean, PROJECT_FILE } from '../config/index.js';
import { InvalidInput, NotFound } from '../errors.js';
import { checkContractSource, type SilverContract } from '../transform/index.js';
import { applyContract } from './apply-contract.js';
import { CONTRACT_PROPERTY, historySwitch, switchPending } from './history-switch.js';
import type { StepContext, StepOutcome } from './context.js';
import { stageOnTrino, stepTrino } from './trino-steps.js';

/**
 * The source snapshot a silver table has processed up to, recorded in the summary of each silver
 * commit: a rollback of the silver table takes it back too, so the next run reads again what the
 * rolled-back snapshots had read.
 */
export const PROCESSED_SNAPSHOT = 'silt.source-snapshot';
export { CONTRACT_PROPERTY };
/** Quarantine rows carry the source range they came from, so reprocessing it replaces them. */
export const BATCH_COLUMN = '_batch_key';

/**
 * Applies a silver contract to the source rows added since the last run (snapshot diff). Running
 * the same range again (after a crash) gives the same tables: the merge is an upsert by key and the
 * quarantine rows of the range are replaced. A full refresh (`ctx.fullRefresh`) reads every source
 * row and replaces the table and its quarantine whole.
 */
export async function silverStep(ctx: StepContext, name: string, contract: SilverContract, ingestedBy?: string): Promise<StepOutcome> {
  const source = await sourceTable(ctx, name, contract, ingestedBy);
  if (!source) {
    return {
      rowsIn: 0, rowsWritten: 0, rowsQuarantined: 0, rowsDeduplicated: 0, bytesWritten: 0, details: { upToDate: true },
      warnings: [`${contract.source} holds no rows yet: ${ingestedBy} has ingested no file`],
    };
  }
  const silver = (await ctx.catalog.tableExists(ctx.layers.silver, name)) ? await ctx.catalog.loadTable(ctx.layers.silver, name) : undefined;
  const full = !!ctx.fullRefresh;
  const pending = silver && !full ? historySwitch(name, silver, contract) : undefined;
  if (pending) throw new InvalidInput(switchPending(ctx.layers.table('silver', name), contract, pending), { code: 'history_switch' });
  const processed = silver && !full ? summaryState(silver.metadata, PROCESSED_SNAPSHOT) : undefined;
  const head = source.metadata['current-snapshot-id']?.toString();
  const upToDate = head === undefined || (!full && head === processed);
  const newFiles = upToDate ? [] : await filesSince(source, processed);
  const view = `__silver_src_${name}`;
  // On Trino the new source rows are read there (into a temp table); the contract runs on them as on DuckDB.
  const trino = upToDate ? undefined : stepTrino(ctx, contract.engine, ctx.layers.table('silver', name));
  try {
    if (trino) await stageOnTrino(ctx, trino, { table: ctx.layers.table('silver', name), sql: newRowsSql(source, newFiles, processed), what: ctx.layers.table('silver', name), relation: view });
    else await ctx.engine.run(`CREATE OR REPLACE TEMP VIEW ${quoteIdent(view)} AS ${await scanSql(currentScan(source.metadata, source.name, newFiles), ctx.store, { access: ctx.access })}`);
    if (upToDate) {
      await checkContractSource(ctx.engine, contract, name, quoteIdent(view));
      return { rowsIn: 0, rowsWritten: 0, rowsQuarantined: 0, rowsDeduplicated: 0, bytesWritten: 0, details: { upToDate: true } };
    }
    const batchKey = `${contract.source}@${processed ?? 'start'}..${head}`;
    const outcome = await applyContract(ctx, name, contract, {
      source: quoteIdent(view),
      replacesQuarantine: full ? 'TRUE' : batchesAfter(source, processed),
      fullRefresh: full,
      quarantineExtra: { [BATCH_COLUMN]: quoteLiteral(batchKey) },
      summary: { [PROCESSED_SNAPSHOT]: head },
      properties: { [CONTRACT_PROPERTY]: JSON.stringify(contract) },
    });
    return { ...outcome, details: { ...outcome.details, ...(full ? { build: 'full refresh' } : {}), engine: trino ? 'trino' : 'duckdb', source: contract.source, sourceSnapshot: head, newFiles: newFiles.length, bytesScanned: newFiles.reduce((n, f) => n + f.fileSizeInBytes, 0) } };
  } finally {
    await ctx.engine.run(trino ? `DROP TABLE IF EXISTS ${quoteIdent(view)}` : `DROP VIEW IF EXISTS ${quoteIdent(view)}`);
  }
}

/** Trino's SELECT of the source rows in `files` (Trino's hidden `$path` names a row's data file): all rows when silver has read none. */
function newRowsSql(source: Table, files: DataFile[], processed: string | undefined): string {
  const [namespace, table] = source.name.split('.') as [string, string];
  const all = `SELECT * FROM ${quoteQualified(namespace, table)}`;
  if (processed === undefined) return all;
  return `${all} WHERE ${files.length ? `"$path" IN (${files.map((f) => quoteLiteral(f.filePath)).join(', ')})` : 'FALSE'}`;
}

/**
 * The contract's source table; undefined when it is a source's bronze table that no file has made
 * yet (nothing to do); a missing one otherwise is named with the key that declares it.
 */
async function sourceTable(ctx: StepContext, name: string, contract: SilverContract, ingestedBy: string | undefined): Promise<Table | undefined> {
  const src = parseTableName(contract.source);
  if (await ctx.catalog.tableExists(src.namespace, src.name)) return ctx.catalog.loadTable(src.namespace, src.name);
  if (ingestedBy) return undefined;
  const known = (await ctx.catalog.listTables()).map((t) => `${t.namespace}.${t.name}`).filter((t) => !/_(rejects|quarantine)$/.test(t));
  const hint = didYouMean(contract.source, known);
  const near = known.filter((t) => t.startsWith(`${src.namespace}.`));
  throw new NotFound(
    `${ctx.layers.table('silver', name)}: source ${contract.source} (${PROJECT_FILE} silver.${name}.source) is no table${hint ? ` (did you mean ${hint}?)` : ''}; ` +
      `tables: ${(near.length ? near : known).join(', ') || 'none yet'} (a source's bronze table appears once its first file is ingested)`,
  );
}

/**
 * Quarantine rows (aliased `t`) of batches that ended after the `processed` source snapshot: the
 * batch being read now, an earlier attempt at it, and batches a rollback of silver took back. The
 * rows of batches silver still holds stay.
 */
function batchesAfter(source: Table, processed: string | undefined): string {
  const snapshots = source.metadata.snapshots;
  const from = snapshots.find((s) => s['snapshot-id'].toString() === processed);
  if (!from) return 'TRUE';
  const later = snapshots.filter((s) => s['sequence-number'] > from['sequence-number']).map((s) => quoteLiteral(s['snapshot-id'].toString()));
  if (later.length === 0) return 'FALSE';
  return `regexp_extract(t.${quoteIdent(BATCH_COLUMN)}, '\\.\\.(\\d+)$', 1) IN (${later.join(', ')})`;
}

/**
 * Data files of the current snapshot that the `since` snapshot did not have (all, without one),
 * less the files compaction (`replace` snapshots) wrote from files `since` already had: those
 * hold no new row. A compaction that also rewrote newer files leaves its files counted as new
 * (read again, which the upsert by key makes harmless).
 */
async function filesSince(table: Table, since: string | undefined): Promise<DataFile[]> {
  const now = (await table.planFiles()).files;
  const from = since === undefined ? undefined : table.metadata.snapshots.find((s) => s['snapshot-id'].toString() === since);
  if (!from) return now;
  const before = new Set((await table.planFiles({ snapshotId: from['snapshot-id'] })).files.map((f) => f.filePath));
  const compacted = table.metadata.snapshots
    .filter((s) => s['sequence-number'] > from['sequence-number'] && s.summary.operation === 'replace')
    .sort((a, b) => a['sequence-number'] - b['sequence-number']);
  for (const s of compacted) {
    const { added, removed } = await table.snapshotChanges(s['snapshot-id']);
    if (removed.every((f) => before.has(f.filePath))) for (const f of added) before.add(f.filePath);
  }
  return now.filter((f) => !before.has(f.filePath));
}
