/**
 * DELETE and UPDATE. Copy-on-write (the default): files that may hold matching rows (after
 * pruning) are checked, those that do are rewritten without (or with changed) matching rows, and
 * one commit swaps them. Merge-on-read (the table's `write.delete.mode` / `write.update.mode` is
 * `merge-on-read`): the matching rows' positions go into position delete files, one per data
 * file, and an UPDATE appends the changed rows, in one commit that removes no file.
 * A row whose condition is NULL is neither deleted nor updated, as in SQL.
 */
import { InvalidInput } from '../../errors.js';
import { currentSchema, currentSnapshot, type DataFile, type ManifestEntry, type Schema, type Snapshot, type TableMetadata } from '../../table/index.js';
import { writePositionDeletes } from '../write/index.js';
import type { StatementContext, StatementOutcome } from './statement-types.js';
import type { Statement } from './sql-statement.js';
import { currentScan, engineLocations, quoteIdent, runSql, scanSql, sqlExpression } from '../core/index.js';
import { notCancelled, rowsText, write } from './write-statements.js';

type Delete = Extract<Statement, { kind: 'delete' }>;
type Update = Extract<Statement, { kind: 'update' }>;

const FILE_COLUMN = '__silt_file';
const POS_COLUMN = '__silt_pos';
/** Iceberg's table properties choosing copy-on-write (the default) or merge-on-read. */
export const DELETE_MODE = 'write.delete.mode';
export const UPDATE_MODE = 'write.update.mode';

export async function runRewrite(ctx: StatementContext, s: Delete | Update): Promise<StatementOutcome> {
  const { namespace, name } = s.table;
  const label = `${namespace}.${name}`;
  const table = await ctx.binder.table(namespace, name);
  await table.refresh();
  const fields = currentSchema(table.metadata).fields;
  const from = `${quoteIdent(namespace)}.${quoteIdent(name)}${s.alias ? ` AS ${quoteIdent(s.alias)}` : ''}`;
  const where = s.where ? await sqlExpression(ctx.engine, s.where, `${s.kind}: WHERE`, { subqueries: true }) : 'true';

  const assignments = new Map<string, string>();
  if (s.kind === 'update') {
    for (const a of s.assignments) {
      const f = fields.find((x) => x.name === a.column) ?? fields.find((x) => x.name.toLowerCase() === a.column.toLowerCase());
      if (!f) throw new InvalidInput(`update: ${label} has no column ${a.column} (columns: ${fields.map((x) => x.name).join(', ')})`);
      if (assignments.has(f.name)) throw new InvalidInput(`update: column ${f.name} is set twice`);
      assignments.set(f.name, await sqlExpression(ctx.engine, a.expr, `update: SET ${f.name}`, { subqueries: true }));
    }
  }
  // Checks the statement's SQL and binds every other table it reads; the target's view comes below.
  const exprs = s.kind === 'update' ? [...assignments.values()].join(', ') : '1';
  const { targetFilter, targetView } = await ctx.binder.bind(`SELECT ${exprs} FROM ${from} WHERE ${where}`, { target: s.table });

  const plan = await table.planFiles(targetFilter.op === 'true' ? {} : { filter: targetFilter });
  const stats = ctx.binder.stats;
  stats.files_total += plan.filesTotal;
  stats.bytes_total += plan.bytesTotal;
  if (!plan.snapshot) return { rowCount: 0, message: `${verb(s)} 0 rows ${s.kind === 'delete' ? 'from' : 'in'} ${label}` };
  const kept = new Set(plan.files.map((f) => f.filePath));
  const prunedOut = new Set(
    (await table.liveEntries(plan.snapshot['snapshot-id'])).map((e) => e.dataFile.filePath).filter((p) => !kept.has(p)),
  );

  let changed = 0;
  let written: DataFile[] = [];
  const store = ctx.resolver.store;
  const dropWritten = async (): Promise<void> => {
    for (const f of written.splice(0)) await store.delete(store.keyOf(f.filePath)).catch(() => undefined);
  };
  const mergeOnRead = table.metadata.properties[s.kind === 'delete' ? DELETE_MODE : UPDATE_MODE] === 'merge-on-read';
  /** The live files holding rows the statement changes, on the attempt's base; the view reads them. */
  const findHits = async (base: TableMetadata, live: ManifestEntry[]): Promise<{ hit: DataFile[]; view: (files: DataFile[]) => Promise<void> }> => {
    changed = 0;
    const schema = currentSchema(base);
    // Files added since planning were never pruned, so they are candidates too.
    const candidates = live.map((e) => e.dataFile).filter((f) => !prunedOut.has(f.filePath));
    const view = async (files: DataFile[]): Promise<void> =>
      ctx.binder.createViewSql(targetView, await scanSql(currentScan(base, label, files, schema), store, {
        fileColumn: FILE_COLUMN, ...(mergeOnRead ? { positionColumn: POS_COLUMN } : {}),
      }));
    await view(candidates);
    const matches = await runSql<{ f: string; n: string }>(
      ctx.engine,
      await ctx.binder.rewrite(`SELECT ${quoteIdent(FILE_COLUMN)} AS f, count(*) AS n FROM ${from} WHERE ${where} GROUP BY 1`),
      s.kind,
    );
    const byPath = await engineLocations(store, candidates);
    changed = matches.reduce((n, r) => n + Number(r.n), 0);
    stats.files_scanned = candidates.length;
    stats.bytes_scanned = candidates.reduce((n, f) => n + f.fileSizeInBytes, 0);
    return { hit: matches.map((r) => byPath.get(r.f)).filter((f): f is DataFile => f !== undefined), view };
  };
  const message = (snapshot: Snapshot | undefined): StatementOutcome => ({
    rowCount: changed,
    message: `${verb(s)} ${rowsText(changed)} ${s.kind === 'delete' ? 'from' : 'in'} ${label}`,
    ...(snapshot ? { snapshotId: snapshot['snapshot-id'] } : {}),
  });
  const updated = (schema: Schema): string => schema.fields
    .map((f) => {
      const expr = assignments.get(f.name);
      const col = quoteIdent(f.name);
      if (expr === undefined) return col;
      return s.where ? `CASE WHEN ${where} IS TRUE THEN ${expr} ELSE ${col} END AS ${col}` : `${expr} AS ${col}`;
    })
    .join(', ');

  if (mergeOnRead) {
    try {
      const done = await table.commitWith(table.rowDeltaChange(async (base, live) => {
        await dropWritten();
        const { hit, view } = await findHits(base, live);
        const deletes: DataFile[] = [];
        for (const f of hit) {
          await view([f]);
          const positions = await ctx.binder.rewrite(`SELECT ${quoteIdent(POS_COLUMN)} AS pos FROM ${from} WHERE ${where}`);
          const d = await writePositionDeletes(ctx.engine, store, base, f, positions);
          if (d) {
            written.push(d);
            deletes.push(d);
          }
        }
        let data: DataFile[] = [];
        if (s.kind === 'update' && hit.length > 0) {
          await view(hit);
          data = await write(ctx, base, await ctx.binder.rewrite(`SELECT ${updated(currentSchema(base))} FROM ${from} WHERE ${where}`));
          written.push(...data);
        }
        notCancelled(ctx);
        return { data, deletes };
      }));
      return message(done.changed ? currentSnapshot(done.metadata) : undefined);
    } catch (e) {
      await dropWritten();
      throw e;
    }
  }

  try {
    const snapshot = await table.rewrite(s.kind === 'delete' ? 'delete' : 'overwrite', async (base, live) => {
      await dropWritten(); // files of an earlier attempt that lost a commit race
      const schema = currentSchema(base);
      const { hit, view } = await findHits(base, live);
      if (hit.length === 0) return { remove: [], add: [] };
      await view(hit);
      const select =
        s.kind === 'delete'
          ? `SELECT * EXCLUDE (${quoteIdent(FILE_COLUMN)}) FROM ${from} WHERE ${where} IS NOT TRUE`
          : `SELECT ${updated(schema)} FROM ${from}`;
      written = await write(ctx, base, await ctx.binder.rewrite(select));
      notCancelled(ctx);
      return { remove: hit.map((f) => f.filePath), add: written };
    });
    return message(snapshot);
  } catch (e) {
    await dropWritten();
    throw e;
  }
}

function verb(s: Delete | Update): string {
  return s.kind === 'delete' ? 'deleted' : 'updated';
}
