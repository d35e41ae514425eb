import path from 'node:path';
import { parseTableName } from '../catalog/index.js';
import { didYouMean } from '../config/index.js';
import { currentScan, quoteIdent, scanSql, type Engine } from '../engine/index.js';
import { InvalidInput, NotFound } from '../errors.js';
import type { Project } from '../project/index.js';
import { currentSchema, type DataFile, type NestedField, type Table } from '../table/index.js';
import { changedFiles } from './changed-files.js';
import type { ExportSpec } from './export-config.js';
import { postgresType, typeMismatch } from './pg-types.js';
import { checkKey, countRows, identList, scratchFolder, writeCsv } from './stage-rows.js';
import { Warehouse, type TargetColumn, type TargetState } from './warehouse.js';

/** What one export did (or, dry, would do). */
export interface ExportOutcome {
  readonly name: string;
  readonly source: string;
  /** `schema.table`. */
  readonly table: string;
  /** `PostgreSQL host:port/database`. */
  readonly where: string;
  /** up-to-date: nothing to send; append: new rows inserted; upsert: changed rows by key; replace: every row, in one transaction. */
  readonly how: 'up-to-date' | 'append' | 'upsert' | 'replace';
  /** Why this way, in words. */
  readonly reason: string;
  readonly fromSnapshot: string | undefined;
  readonly toSnapshot: string | undefined;
  /** Rows of the source that may go: those of the files added since (all of them, on a replace). */
  readonly rowsRead: number;
  /** Of those, rows found equal to what the warehouse holds already, so not sent. */
  readonly rowsUnchanged: number;
  readonly rowsSent: number;
  readonly rowsDeleted: number;
  readonly columnsAdded: readonly string[];
  /** Columns whose type was widened in the warehouse, as `name type`, because the source's was promoted. */
  readonly columnsWidened: readonly string[];
  /** Columns the warehouse table has that the source no longer has: left there, NULL in new rows. */
  readonly columnsLeft: readonly string[];
  readonly createdTable: boolean;
  readonly dryRun: boolean;
}

export interface ExportOptions {
  full?: boolean;
  dryRun?: boolean;
  /** What it is doing now, for a progress display. */
  onProgress?: (message: string) => void;
}

/**
 * Brings one export's warehouse table to the source table's current snapshot: incrementally from
 * the snapshot it last received (recorded in the warehouse, in the same transaction as the rows,
 * so a failure anywhere leaves the table at the old snapshot whole). Files only appended since:
 * their rows are inserted (upserted, with a key). Files rewritten or rows deleted since (an
 * overwrite, a merge, a delete): with a key, the rows that differ are upserted and the keys gone
 * are deleted; without one, the table is replaced. New source columns are added to the table, and
 * columns the source's type promotion made too narrow are widened.
 */
export async function exportTable(project: Project, spec: ExportSpec, opts: ExportOptions = {}): Promise<ExportOutcome> {
  const table = await sourceTable(project, spec);
  const fields = currentSchema(table.metadata).fields;
  checkKeyColumns(spec, fields);
  const wanted: TargetColumn[] = fields.map((f) => ({ name: f.name, type: postgresType(f.type) }));
  opts.onProgress?.(`export ${spec.name}: connecting to ${spec.target.name}`);
  const warehouse = await Warehouse.connect(spec);
  try {
    const state = await warehouse.state();
    const columns = checkColumns(spec, warehouse.where, wanted, state);
    const head = table.metadata['current-snapshot-id']?.toString();
    const decision = await decide(spec, table, state, head, opts.full === true);
    const base = {
      name: spec.name, source: spec.source, table: `${spec.table.schema}.${spec.table.name}`, where: warehouse.where,
      fromSnapshot: state.snapshotId, toSnapshot: head, columnsAdded: columns.add.map((c) => c.name), columnsWidened: columns.widen.map((c) => `${c.name} ${c.type}`), columnsLeft: columns.left,
      createdTable: state.columns === undefined, dryRun: opts.dryRun === true,
    };
    if (decision.how === 'up-to-date' && columns.add.length === 0 && columns.widen.length === 0) {
      return { ...base, how: 'up-to-date', reason: decision.reason, rowsRead: 0, rowsUnchanged: 0, rowsSent: 0, rowsDeleted: 0 };
    }
    const engine = await project.openEngine();
    const scratch = scratchFolder(project.engineOptions().tempDirectory ?? path.join(project.config.dir, '.silt', 'tmp'));
    try {
      opts.onProgress?.(`export ${spec.name}: finding the rows to send`);
      const staged = await stage(project, engine, table, spec, fields, decision, scratch.dir, opts.dryRun === true);
      const outcome = { ...base, how: decision.how, reason: decision.reason, rowsRead: staged.rowsRead, rowsUnchanged: staged.rowsRead - staged.rowsToSend };
      if (opts.dryRun) return { ...outcome, rowsSent: staged.rowsToSend, rowsDeleted: staged.keysGone };
      opts.onProgress?.(`export ${spec.name}: sending ${staged.rowsToSend.toLocaleString('en-US')} rows to ${warehouse.where}`);
      const counts = await warehouse.load(
        {
          columns: wanted,
          create: state.columns === undefined,
          addColumns: columns.add,
          widenColumns: columns.widen,
          how: decision.how === 'up-to-date' ? 'append' : decision.how,
          rowsFile: staged.rowsFile,
          goneKeysFile: staged.goneFile,
          expectedSnapshot: state.snapshotId,
          snapshotId: head ?? 'none',
        },
        spec.source,
      );
      return { ...outcome, rowsSent: counts.rowsSent, rowsDeleted: counts.rowsDeleted };
    } finally {
      engine.close();
      scratch.remove();
    }
  } finally {
    await warehouse.close();
  }
}

async function sourceTable(project: Project, spec: ExportSpec): Promise<Table> {
  const { namespace, name } = parseTableName(spec.source);
  if (await project.catalog.tableExists(namespace, name)) return project.catalog.loadTable(namespace, name);
  const known = (await project.catalog.listTables()).map((t) => `${t.namespace}.${t.name}`);
  const hint = didYouMean(spec.source, known);
  throw new NotFound(
    `export ${spec.name}: source ${spec.source} (silt.yaml exports.tables.${spec.name}.source) is no table${hint ? ` (did you mean ${hint}?)` : ''}; run the pipeline first, or fix the name`,
    { details: { table: spec.source } },
  );
}

function checkKeyColumns(spec: ExportSpec, fields: readonly NestedField[]): void {
  const names = fields.map((f) => f.name);
  for (const k of spec.key) {
    if (names.includes(k)) continue;
    const hint = didYouMean(k, names);
    throw new InvalidInput(
      `export ${spec.name}: key column ${k} (silt.yaml exports.tables.${spec.name}.key) is not a column of ${spec.source}${hint ? ` (did you mean ${hint}?)` : ''}; its columns: ${names.join(', ')}`,
      { details: { table: spec.source, key: k } },
    );
  }
}

/**
 * The columns to add to the warehouse table, those it has that the source lacks, and a refusal
 * naming the column when one it has cannot take the source's values, or when an upsert would find
 * no unique index on the key.
 */
function checkColumns(spec: ExportSpec, where: string, wanted: readonly TargetColumn[], state: TargetState): { add: TargetColumn[]; widen: TargetColumn[]; left: string[] } {
  if (state.columns === undefined) return { add: [], widen: [], left: [] };
  const widen: TargetColumn[] = [];
  const have = new Map(state.columns.map((c) => [c.name, c.type]));
  const table = `${spec.table.schema}.${spec.table.name}`;
  for (const w of wanted) {
    const found = have.get(w.name);
    if (found === undefined) continue;
    const problem = typeMismatch(w.type, found);
    if (problem === 'widen') widen.push(w);
    else if (problem) {
      throw new InvalidInput(
        `export ${spec.name}: column ${w.name} is ${found} in ${table} (${where}) but ${spec.source}'s ${w.name} needs ${w.type}; ALTER TABLE ${table} ALTER COLUMN ${quoteIdent(w.name)} TYPE ${w.type} there, or drop the table so that silt export creates it`,
        { details: { table, key: w.name } },
      );
    }
  }
  const sorted = (cols: readonly string[]) => [...cols].sort().join('\n');
  if (spec.key.length > 0 && !state.uniqueKeys.some((k) => sorted(k) === sorted(spec.key))) {
    throw new InvalidInput(
      `export ${spec.name}: ${table} (${where}) has no primary key or unique index on (${spec.key.join(', ')}), which upserts need; ` +
        `ALTER TABLE ${table} ADD PRIMARY KEY (${identList(spec.key)}) there, or drop the table so that silt export creates it`,
      { details: { table, key: spec.key.join(',') } },
    );
  }
  return {
    add: wanted.filter((w) => !have.has(w.name)),
    widen,
    left: state.columns.map((c) => c.name).filter((n) => !wanted.some((w) => w.name === n)),
  };
}

type Decision =
  | { how: 'up-to-date'; reason: string }
  | { how: 'replace'; reason: string }
  | { how: 'append' | 'upsert'; reason: string; added: readonly DataFile[]; removed: readonly DataFile[] };

async function decide(spec: ExportSpec, table: Table, state: TargetState, head: string | undefined, full: boolean): Promise<Decision> {
  if (state.columns === undefined) return { how: 'replace', reason: 'first export: the table is created' };
  if (full) return { how: 'replace', reason: 'full reload (--full)' };
  if (spec.mode === 'full') return { how: 'replace', reason: 'full reload (mode: full)' };
  const since = state.snapshotId;
  if (since === undefined) return { how: 'replace', reason: 'full reload: the warehouse does not say which snapshot the table holds' };
  if (since === (head ?? 'none')) return { how: 'up-to-date', reason: `already at snapshot ${since}` };
  if (since === 'none') return { how: 'replace', reason: `full reload: ${spec.source} had no snapshot at the last export` };
  if (!table.metadata.snapshots.some((s) => s['snapshot-id'].toString() === since)) {
    return { how: 'replace', reason: `full reload: snapshot ${since}, exported last, is no longer in ${spec.source} (expired)` };
  }
  const { added, removed } = await changedFiles(table, BigInt(since));
  const keyed = spec.key.length > 0;
  if (removed.length === 0) {
    return { how: keyed ? 'upsert' : 'append', reason: `incremental: rows appended since snapshot ${since} (${added.length} new files)`, added, removed };
  }
  if (!keyed) {
    return { how: 'replace', reason: `full reload: files were rewritten or rows deleted since snapshot ${since} (an overwrite or delete), and the export has no key to upsert by` };
  }
  return {
    how: 'upsert',
    reason: `incremental: files were rewritten or rows deleted since snapshot ${since} (an overwrite or delete); rows that differ in the ${removed.length} old and ${added.length} new files are upserted by key, keys gone are deleted`,
    added,
    removed,
  };
}

interface Staged {
  /** Rows of the source that may go (see ExportOutcome). */
  rowsRead: number;
  rowsToSend: number;
  keysGone: number;
  /** Undefined on a dry run, and when nothing is to be sent. */
  rowsFile: string | undefined;
  goneFile: string | undefined;
}

/**
 * Finds the rows to send (`export_rows`) and the keys to delete (`export_gone`) in DuckDB, checks
 * the key on them, and writes them as CSV files for COPY (not on a dry run).
 */
async function stage(
  project: Project,
  engine: Engine,
  table: Table,
  spec: ExportSpec,
  fields: readonly NestedField[],
  decision: Decision,
  dir: string,
  dryRun: boolean,
): Promise<Staged> {
  if (decision.how === 'up-to-date') return { rowsRead: 0, rowsToSend: 0, keysGone: 0, rowsFile: undefined, goneFile: undefined };
  const scan = async (files: readonly DataFile[]) => scanSql(currentScan(table.metadata, table.name, files), project.store);
  let rowsRead: number;
  let diffed = false;
  if (decision.how === 'replace') {
    await engine.run(`CREATE TEMP TABLE export_rows AS ${await scan((await table.planFiles()).files)}`);
    rowsRead = await countRows(engine, 'export_rows');
  } else if (decision.removed.length === 0) {
    await engine.run(`CREATE TEMP TABLE export_rows AS ${await scan(decision.added)}`);
    rowsRead = await countRows(engine, 'export_rows');
  } else {
    // Both sides read as the current schema, so a column added since counts as a change.
    await engine.run(`CREATE TEMP TABLE export_new AS ${await scan(decision.added)}`);
    await engine.run(`CREATE TEMP TABLE export_old AS ${await scan(decision.removed)}`);
    const key = identList(spec.key);
    await engine.run('CREATE TEMP TABLE export_rows AS SELECT * FROM export_new EXCEPT SELECT * FROM export_old');
    await engine.run(`CREATE TEMP TABLE export_gone AS SELECT ${key} FROM export_old EXCEPT SELECT ${key} FROM export_new`);
    rowsRead = await countRows(engine, 'export_new');
    diffed = true;
  }
  await checkKey(engine, 'export_rows', spec.key, { exportName: spec.name, source: spec.source });
  const rowsToSend = await countRows(engine, 'export_rows');
  const keysGone = diffed ? await countRows(engine, 'export_gone') : 0;
  if (dryRun) return { rowsRead, rowsToSend, keysGone, rowsFile: undefined, goneFile: undefined };
  const rowsFile = rowsToSend > 0 ? path.join(dir, 'rows.csv') : undefined;
  if (rowsFile) await writeCsv(engine, 'export_rows', fields, rowsFile);
  const keyFields = spec.key.map((k) => fields.find((f) => f.name === k)!);
  const goneFile = keysGone > 0 ? path.join(dir, 'gone.csv') : undefined;
  if (goneFile) await writeCsv(engine, 'export_gone', keyFields, goneFile);
  return { rowsRead, rowsToSend, keysGone, rowsFile, goneFile };
}
