import { parseTableName } from '../catalog/index.js';
import { currentScan, quoteIdent, quoteLiteral, scanSql } from '../engine/index.js';
import type { DataFile, Table } from '../table/index.js';
import type { SilverContract } from '../transform/index.js';
import { applyContract } from './apply-contract.js';
import type { StepContext, StepOutcome } from './context.js';

/** The source snapshot a silver table has processed up to, kept as a table property. */
export const PROCESSED_SNAPSHOT = 'silt.source-snapshot';
/** The declared contract a silver table was last built with (JSON), so `silt plan` can show rule changes. */
export const CONTRACT_PROPERTY = 'silt.contract';
/** Quarantine rows carry the source range they came from, so reprocessing it replaces them. */
export const BATCH_COLUMN = '_batch_key';

/**
 * Applies a silver contract to the source rows added since the last run (snapshot diff). Running
 * the same range again (after a crash) gives the same tables: the merge is an upsert by key and the
 * quarantine rows of the range are replaced.
 */
export async function silverStep(ctx: StepContext, name: string, contract: SilverContract): Promise<StepOutcome> {
  const src = parseTableName(contract.source);
  const source = await ctx.catalog.loadTable(src.namespace, src.name);
  const silver = (await ctx.catalog.tableExists('silver', name)) ? await ctx.catalog.loadTable('silver', name) : undefined;
  const processed = silver?.metadata.properties[PROCESSED_SNAPSHOT];
  const head = source.metadata['current-snapshot-id']?.toString();
  if (head === undefined || head === processed) {
    return { rowsIn: 0, rowsWritten: 0, rowsQuarantined: 0, rowsDeduplicated: 0, bytesWritten: 0, details: { upToDate: true } };
  }
  const newFiles = await filesSince(source, processed);
  const view = `__silver_src_${name}`;
  await ctx.engine.run(`CREATE OR REPLACE TEMP VIEW ${quoteIdent(view)} AS ${scanSql(currentScan(source.metadata, newFiles), ctx.store)}`);
  try {
    const batchKey = `${contract.source}@${processed ?? 'start'}..${head}`;
    const outcome = await applyContract(ctx, name, contract, {
      source: quoteIdent(view),
      replacesQuarantine: `t.${quoteIdent(BATCH_COLUMN)} = ${quoteLiteral(batchKey)}`,
      quarantineExtra: { [BATCH_COLUMN]: quoteLiteral(batchKey) },
      summary: { [PROCESSED_SNAPSHOT]: head },
    });
    const table = await ctx.catalog.loadTable('silver', name);
    await table.setProperties({ [PROCESSED_SNAPSHOT]: head, [CONTRACT_PROPERTY]: JSON.stringify(contract) });
    return { ...outcome, details: { ...outcome.details, source: contract.source, sourceSnapshot: head, newFiles: newFiles.length } };
  } finally {
    await ctx.engine.run(`DROP VIEW IF EXISTS ${quoteIdent(view)}`);
  }
}

/** Data files of the current snapshot that the `since` snapshot did not have (all, without one). */
async function filesSince(table: Table, since: string | undefined): Promise<DataFile[]> {
  const now = (await table.planFiles()).files;
  const known = since !== undefined && table.metadata.snapshots.some((s) => s['snapshot-id'].toString() === since);
  if (!known) return now;
  const before = new Set((await table.planFiles({ snapshotId: BigInt(since) })).files.map((f) => f.filePath));
  return now.filter((f) => !before.has(f.filePath));
}
