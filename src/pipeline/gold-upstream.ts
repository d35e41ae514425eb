import { createHash } from 'node:crypto';
import { currentScan, quoteIdent, scanSql } from '../engine/index.js';
import type { Model } from '../models/index.js';
import type { DataFile } from '../table/index.js';
import type { StepContext } from './context.js';

/** What a gold table was built from: its SQL and the snapshot of each upstream table. */
export interface Upstream {
  sql: string;
  ids: Record<string, string>;
}

/**
 * Kept in the summary of each gold commit, so it moves with the table's snapshot (a rollback takes
 * it back): unchanged upstream means nothing to rebuild.
 */
export const UPSTREAM_PROPERTY = 'silt.upstream-snapshots';

export async function currentUpstream(ctx: StepContext, model: Model): Promise<Upstream> {
  const ids: Record<string, string> = {};
  for (const t of model.dependsOn) {
    const [ns, name] = t.split('.') as [string, string];
    ids[t] = (await ctx.catalog.tableExists(ns, name))
      ? ((await ctx.catalog.loadTable(ns, name)).metadata['current-snapshot-id']?.toString() ?? 'empty')
      : `unversioned@${Date.now()}`; // a crawled table has no snapshots: always rebuild
  }
  return { sql: createHash('sha256').update(model.sql).digest('hex').slice(0, 16), ids };
}

export function parseUpstream(text: string | undefined): Upstream | undefined {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as Upstream;
  } catch {
    return undefined;
  }
}

/**
 * For each upstream table that changed since `before`, a temp view of its changed rows: rows of
 * files added since, and rows of files removed since (the old versions of updated rows). Undefined
 * when a change cannot be described by files (a crawled table, an expired snapshot, rows removed
 * by delete files): rebuild fully.
 */
export async function changedRelations(ctx: StepContext, model: Model, before: Upstream, now: Upstream, views: string[]): Promise<Map<string, string> | undefined> {
  const changed = new Map<string, string>();
  for (const t of model.dependsOn) {
    const old = before.ids[t];
    const cur = now.ids[t];
    if (old === cur) continue;
    if (old === undefined || cur === undefined || !/^\d+$/.test(cur) || !(old === 'empty' || /^\d+$/.test(old))) return undefined;
    const [ns, name] = t.split('.') as [string, string];
    const table = await ctx.catalog.loadTable(ns, name);
    if (old !== 'empty' && !table.metadata.snapshots.some((s) => s['snapshot-id'].toString() === old)) return undefined;
    const files = (id: string): Promise<DataFile[]> => (id === 'empty' ? Promise.resolve([]) : table.planFiles({ snapshotId: BigInt(id) }).then((p) => p.files));
    const [was, is] = [await files(old), await files(cur)];
    // Rows removed by delete files (merge-on-read) are no change of files: rebuild fully.
    if (deleteFilesOf(was) !== deleteFilesOf(is)) return undefined;
    const wasPaths = new Set(was.map((f) => f.filePath));
    const isPaths = new Set(is.map((f) => f.filePath));
    const delta = [...is.filter((f) => !wasPaths.has(f.filePath)), ...was.filter((f) => !isPaths.has(f.filePath))];
    const view = `__changed_${ns}_${name}`;
    await ctx.engine.run(`CREATE OR REPLACE TEMP VIEW ${quoteIdent(view)} AS ${await scanSql(currentScan(table.metadata, t, delta), ctx.store, { access: ctx.access })}`);
    views.push(view);
    changed.set(t, view); // a bare name: the model SQL is rewritten to read it
  }
  return changed;
}

/**
 * A temp view (of the step's own connection) over each upstream table's current files, for SQL
 * run directly on the engine; returns `ns.t` → view, for the model's SQL to be rewritten to read them.
 */
export async function bindUpstream(ctx: StepContext, model: Model, views: string[]): Promise<Map<string, string>> {
  const bound = new Map<string, string>();
  for (const t of model.dependsOn) {
    const [ns, name] = t.split('.') as [string, string];
    if (!(await ctx.catalog.tableExists(ns, name))) continue;
    const table = await ctx.catalog.loadTable(ns, name);
    const view = `__upstream_${ns}_${name}`;
    await ctx.engine.run(`CREATE OR REPLACE TEMP VIEW ${quoteIdent(view)} AS ${await scanSql(currentScan(table.metadata, t, (await table.planFiles()).files), ctx.store, { access: ctx.access })}`);
    views.push(view);
    bound.set(t, view);
  }
  return bound;
}

/** The delete files applying to `files`, as one comparable string. */
function deleteFilesOf(files: readonly DataFile[]): string {
  return [...new Set(files.flatMap((f) => f.deletes?.files.map((d) => d.file.filePath) ?? []))].sort().join('\n');
}
