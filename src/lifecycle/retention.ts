import type { Catalog, TableIdent } from '../catalog/index.js';
import { currentScan, quoteIdent, quoteLiteral, replaceWhere, scanSql, type Engine } from '../engine/index.js';
import { EnvironmentFault, InvalidInput, NotFound } from '../errors.js';
import type { ObjectStore } from '../storage/index.js';
import { relocateChange, type Table } from '../table/index.js';
import { policyFor, type RetentionPolicies, type RetentionPolicy } from './retention-config.js';
import { archivedKey, cutoffs, partitionStatus, planTable, type FilePlan, type PartitionStatus, type TablePlan } from './retention-plan.js';

export interface RetentionOptions {
  /** The tables to look at (default: every table a rule covers). A named table must have a policy it can apply. */
  tables?: TableIdent[];
  /** The time policies are measured from (default: now). */
  nowMs?: number;
}

export interface RetentionRunOptions extends RetentionOptions {
  dryRun?: boolean;
  /** Opens an engine, for deleting rows of a table aged by `column:` (the caller closes nothing: it is closed here). */
  openEngine?: () => Promise<Engine>;
}

/** A table a layer's rule covers but cannot age: it is left alone, and said so. */
export interface SkippedTable {
  table: string;
  reason: string;
}

export interface TableStatus {
  table: string;
  declaredAt: string;
  partitions: PartitionStatus[];
}

export interface RetentionStatus {
  tables: TableStatus[];
  skipped: SkippedTable[];
}

export interface Moved {
  files: number;
  bytes: number;
  rows: number;
}

export interface TableRetention {
  table: string;
  declaredAt: string;
  deleted: Moved;
  archived: Moved;
  /** Files due to move that carry position deletes (they name the file's path): left in place. */
  held: number;
  /** Snapshots committed (none on a dry run or when nothing was due). */
  snapshots: string[];
}

export interface RetentionResult {
  tables: TableRetention[];
  skipped: SkippedTable[];
}

/** What is hot, archived and due in each table a retention rule covers, per partition. */
export async function retentionStatus(catalog: Catalog, rules: RetentionPolicies, opts: RetentionOptions = {}): Promise<RetentionStatus> {
  const nowMs = opts.nowMs ?? Date.now();
  const status: RetentionStatus = { tables: [], skipped: [] };
  for (const { ident, policy } of await covered(catalog, rules, opts.tables)) {
    const plan = await planOrSkip(catalog, ident, policy, nowMs, opts.tables !== undefined, status.skipped);
    if (plan) status.tables.push({ table: plan.table, declaredAt: policy.declaredAt, partitions: partitionStatus(plan) });
  }
  return status;
}

/**
 * Applies the retention rules: per table, ONE delete commit for what is past `delete_after`, then
 * copies of what is past `archive_after` under the archive location and ONE `replace` commit
 * pointing the table at them. Files no longer referenced stay for the snapshots that still do:
 * snapshot expiry and vacuum remove them. A dry run reports the same and changes nothing.
 */
export async function applyRetention(catalog: Catalog, rules: RetentionPolicies, opts: RetentionRunOptions = {}): Promise<RetentionResult> {
  const nowMs = opts.nowMs ?? Date.now();
  const result: RetentionResult = { tables: [], skipped: [] };
  const plans: { table: Table; plan: TablePlan }[] = [];
  // Every table is planned before any changes, so a refused one stops the run before it starts.
  for (const { ident, policy } of await covered(catalog, rules, opts.tables)) {
    const table = await catalog.loadTable(ident.namespace, ident.name);
    const plan = await planOrSkip(catalog, ident, policy, nowMs, opts.tables !== undefined, result.skipped, table);
    if (plan) plans.push({ table, plan });
  }
  let engine: Engine | undefined;
  try {
    for (const { table, plan } of plans) {
      const done: TableRetention = {
        table: plan.table, declaredAt: plan.policy.declaredAt,
        deleted: count(plan.files.filter((f) => f.state === 'delete')),
        archived: count(plan.files.filter((f) => f.state === 'archive')),
        held: plan.files.filter((f) => f.state === 'held').length,
        snapshots: [],
      };
      result.tables.push(done);
      if (opts.dryRun) continue;
      if (done.deleted.files > 0) {
        if (plan.ager.mode === 'column') {
          engine ??= await openEngine(opts);
          done.deleted = await deleteRows(engine, catalog.store, table, plan, nowMs);
        } else {
          done.deleted = await deleteFiles(catalog.store, table, plan.policy, nowMs);
        }
        if (done.deleted.files > 0) done.snapshots.push(String(table.metadata['current-snapshot-id']));
      }
      const archived = await archiveFiles(catalog.store, table, plan.policy, nowMs);
      if (archived) {
        done.archived = archived;
        done.snapshots.push(String(table.metadata['current-snapshot-id']));
      } else done.archived = count([]);
    }
  } finally {
    await engine?.close();
  }
  return result;
}

/** The tables the rules cover (or the ones named, each of which must exist and have a policy). */
async function covered(catalog: Catalog, rules: RetentionPolicies, named: TableIdent[] | undefined): Promise<{ ident: TableIdent; policy: RetentionPolicy }[]> {
  if (named) {
    return Promise.all(named.map(async (ident) => {
      const name = `${ident.namespace}.${ident.name}`;
      if (!(await catalog.tableExists(ident.namespace, ident.name))) throw new NotFound(`retention: no table ${name}; \`silt table list\` shows the tables`, { details: { table: name } });
      const policy = policyFor(rules, ident);
      if (!policy) throw new InvalidInput(`retention: table ${name} has no retention policy; declare one under retention: in silt.yaml (retention.${name} or retention.${ident.namespace})`, { details: { table: name } });
      return { ident, policy };
    }));
  }
  const all = await catalog.listTables();
  const names = new Set(all.map((t) => `${t.namespace}.${t.name}`));
  for (const key of rules.keys()) {
    if (key.includes('.') && !names.has(key)) throw new NotFound(`retention: retention.${key} in silt.yaml names no table; correct the name or remove the rule`, { details: { table: key } });
  }
  return all.flatMap((ident) => {
    const policy = policyFor(rules, ident);
    return policy ? [{ ident, policy }] : [];
  });
}

/** The plan of a table; a table only its layer's rule covers, which it cannot age, is skipped (listed in `skipped`). */
async function planOrSkip(
  catalog: Catalog, ident: TableIdent, policy: RetentionPolicy, nowMs: number, named: boolean, skipped: SkippedTable[], loaded?: Table,
): Promise<TablePlan | undefined> {
  const name = `${ident.namespace}.${ident.name}`;
  const table = loaded ?? (await catalog.loadTable(ident.namespace, ident.name));
  const live = await table.liveEntries();
  try {
    return planTable(catalog.store, name, table.metadata, live, policy, nowMs);
  } catch (e) {
    if (!(e instanceof InvalidInput) || policy.forTable || named || e.details.table !== name) throw e;
    skipped.push({ table: name, reason: e.message });
    return undefined;
  }
}

function count(files: readonly FilePlan[]): Moved {
  return {
    files: files.length,
    bytes: files.reduce((n, f) => n + f.file.fileSizeInBytes, 0),
    rows: files.reduce((n, f) => n + f.file.recordCount, 0),
  };
}

const summaryOf = (policy: RetentionPolicy): Record<string, string> => ({ 'silt.retention': policy.declaredAt });

/** One delete commit removing the files of partitions past `delete_after`, planned again on each attempt's base. */
async function deleteFiles(store: ObjectStore, table: Table, policy: RetentionPolicy, nowMs: number): Promise<Moved> {
  let gone = count([]);
  await table.rewrite('delete', async (base, live) => {
    const due = planTable(store, table.name, base, live, policy, nowMs).files.filter((f) => f.state === 'delete');
    gone = count(due);
    return { remove: due.map((f) => f.file.filePath), add: [] };
  }, { summary: summaryOf(policy) });
  return gone;
}

/** Deletes the rows older than the cutoff by the policy's column, in one commit rewriting only the files that hold some. */
async function deleteRows(engine: Engine, store: ObjectStore, table: Table, plan: TablePlan, nowMs: number): Promise<Moved> {
  const column = plan.ager.column;
  // 2026-01-31T12:00:00.000Z: a TIMESTAMPTZ takes it as it is; a TIMESTAMP (no zone) is UTC by Silt's convention.
  const at = new Date(cutoffs(plan.policy, nowMs).deleteMs!).toISOString();
  const literal = column.type === 'date' ? `DATE ${quoteLiteral(at.slice(0, 10))}`
    : column.type === 'timestamptz' ? `CAST(${quoteLiteral(at)} AS TIMESTAMPTZ)` : `TIMESTAMP ${quoteLiteral(at.slice(0, 23).replace('T', ' '))}`;
  const none = await scanSql(currentScan(table.metadata, table.name, []), store);
  const snapshot = await replaceWhere(engine, table, store, { where: `t.${quoteIdent(column.name)} < ${literal}`, insert: none }, { summary: summaryOf(plan.policy) });
  const n = (key: string): number => Number(snapshot?.summary[key] ?? 0);
  return { files: n('deleted-data-files'), bytes: n('removed-files-size') - n('added-files-size'), rows: n('deleted-records') - n('added-records') };
}

/**
 * Copies the files of partitions past `archive_after` under the archive location, then commits
 * ONE `replace` pointing the table at the copies. A copy that fails stops it before the commit and
 * removes the copies made; copies the commit did not use (a writer removed their file meanwhile)
 * are removed after it.
 */
async function archiveFiles(store: ObjectStore, table: Table, policy: RetentionPolicy, nowMs: number): Promise<Moved | undefined> {
  const plan = planTable(store, table.name, table.metadata, await table.liveEntries(), policy, nowMs);
  const due = plan.files.filter((f) => f.state === 'archive');
  if (due.length === 0) return undefined;
  const prefix = plan.archivePrefix!;
  const copies = new Map<string, string>();
  let moved = count([]);
  try {
    for (const f of due) {
      const key = archivedKey(prefix, store.keyOf(f.file.filePath));
      copies.set(f.file.filePath, key);
      await copyObject(store, store.keyOf(f.file.filePath), key, f.file.fileSizeInBytes, `retention: ${table.name}: archive location ${policy.archive} (${policy.declaredAt}.archive)`);
    }
    await table.commitWith(relocateChange(store, table.name, async (base, live) => {
      const now = planTable(store, table.name, base, live, policy, nowMs).files.filter((f) => f.state === 'archive' && copies.has(f.file.filePath));
      moved = count(now);
      return new Map(now.map((f) => [f.file.filePath, store.uri(copies.get(f.file.filePath)!)]));
    }, summaryOf(policy)));
  } catch (e) {
    await Promise.all([...copies.values()].map((k) => store.delete(k).catch(() => undefined)));
    throw e;
  }
  const used = new Set((await table.liveEntries()).map((e) => e.dataFile.filePath));
  await Promise.all([...copies.values()].filter((k) => !used.has(store.uri(k))).map((k) => store.delete(k).catch(() => undefined)));
  return moved;
}

/** Copies an object within the store, checking the copy's length; a failed write is an EnvironmentFault naming `where`. */
async function copyObject(store: ObjectStore, from: string, to: string, size: number, where: string): Promise<void> {
  const bytes = await store.stream(from);
  try {
    await store.putStream(to, bytes);
  } catch (e) {
    bytes.destroy();
    const why = e instanceof Error ? e.message : String(e);
    throw new EnvironmentFault(`${where}: cannot write ${to}: ${why}; make the location writable, or change the archive location`, { cause: e });
  }
  const copied = await store.size(to);
  if (copied !== size) throw new EnvironmentFault(`${where}: the copy ${to} holds ${copied} bytes, its file ${from} ${size}; check the store and retry`);
}

async function openEngine(opts: RetentionRunOptions): Promise<Engine> {
  if (!opts.openEngine) throw new InvalidInput('retention: deleting rows by column needs an engine; pass openEngine');
  return opts.openEngine();
}
