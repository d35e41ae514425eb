/**
 * MERGE INTO: the source joined to the target's rows once per commit attempt, on the attempt's
 * base; each pair (or lone row) takes the first WHEN clause whose kind and condition hold, as in
 * Spark and Trino. What the clauses do is materialized first (`j`: the target row's file and
 * position, the clause, the row's new values), then committed as one Iceberg snapshot:
 * copy-on-write (the files holding changed rows are rewritten, `overwrite`), or merge-on-read when
 * the table's `write.merge.mode` is `merge-on-read` (position deletes plus new rows). A target row
 * that several source rows would change is an error naming its key, and nothing is committed.
 */
import { InvalidInput } from '../../errors.js';
import { currentSchema, currentSnapshot, type DataFile, type ManifestEntry, type NestedField, type TableMetadata } from '../../table/index.js';
import { writePositionDeletes } from '../write/index.js';
import {
  analyzeQuery,
  currentScan,
  engineLocations,
  execSql,
  icebergToDuckdb,
  quoteIdent,
  quoteLiteral,
  quoteQualified,
  runSql,
  scanSql,
  sqlExpression,
  walk,
} from '../core/index.js';
import { describeQuery } from './describe-query.js';
import type { MergeClause, Statement, WholeRow } from './sql-statement.js';
import type { StatementContext, StatementOutcome } from './statement-types.js';
import { notCancelled, rowsText, write } from './write-statements.js';

type Merge = Extract<Statement, { kind: 'merge' }>;

/** Iceberg's table property choosing copy-on-write (the default) or merge-on-read for MERGE. */
export const MERGE_MODE = 'write.merge.mode';

const FILE = '__silt_file';
const POS = '__silt_pos';
/** Marks a row of the source, so a FULL JOIN tells a target row no source row matched. */
const SOURCE_ROW = '__silt_source_row';
const CLAUSE = '__silt_clause';
let merges = 0;

export async function runMerge(ctx: StatementContext, s: Merge): Promise<StatementOutcome> {
  const { namespace, name } = s.table;
  const label = `${namespace}.${name}`;
  const table = await ctx.binder.table(namespace, name);
  await table.refresh();
  const fields = currentSchema(table.metadata).fields;
  const targetAlias = s.alias ?? name;
  const sourceAlias = s.sourceAlias ?? ('table' in s.source ? s.source.table.name : undefined);
  if (!sourceAlias) throw new InvalidInput('merge: a subquery source needs an alias: USING (SELECT …) AS s');
  if (targetAlias.toLowerCase() === sourceAlias.toLowerCase()) {
    throw new InvalidInput(`merge: the target and the source are both called ${targetAlias}; give them aliases: MERGE INTO ${label} AS t USING … AS s`);
  }
  const a = quoteIdent(targetAlias);
  const b = quoteIdent(sourceAlias);
  let source: string;
  if ('query' in s.source) {
    await analyzeQuery(ctx.engine, s.source.query); // one query on its own, so its parentheses hold it
    source = `(\n${s.source.query}\n)`;
  } else source = quoteQualified(s.source.table.namespace, s.source.table.name);

  const wholeRows = s.clauses.some((c) => typeof ('assignments' in c.action ? c.action.assignments : 'values' in c.action ? c.action.values : undefined) === 'string');
  const sourceColumns = wholeRows
    ? (await describeQuery(ctx.engine, (await ctx.binder.bind(`SELECT * FROM ${source} AS ${b}`)).sql)).map((c) => c.name)
    : [];
  const on = await sqlExpression(ctx.engine, s.on, 'merge: ON', { subqueries: true });
  const plan = await planClauses(ctx, s, fields, label, targetAlias, b, sourceColumns);
  const keys = await onKeys(ctx, on, fields, targetAlias);
  const bySource = s.clauses.some((c) => c.when === 'not-matched-by-source');
  const joined = `SELECT ${a}.${quoteIdent(FILE)} AS __f, ${a}.${quoteIdent(POS)} AS __p, ${plan.clause} AS ${quoteIdent(CLAUSE)},
    ${keys.map((k, i) => `${a}.${quoteIdent(k)} AS __k${i}`).concat(plan.values).join(', ')}
    FROM (SELECT *, true AS ${quoteIdent(SOURCE_ROW)} FROM ${source} AS ${b}) AS ${b}
    ${bySource ? 'FULL' : 'LEFT'} JOIN ${quoteQualified(namespace, name)} AS ${a} ON ${on}`;
  // Checks the statement's SQL and binds every other table it reads; the target's view comes per attempt.
  const { targetView, sql: bound } = await ctx.binder.bind(joined, { target: s.table });

  const store = ctx.resolver.store;
  const j = quoteIdent(`silt_merge_${++merges}`);
  const counts = { updated: 0, deleted: 0, inserted: 0 };
  const stats = ctx.binder.stats;
  let written: DataFile[] = [];
  const dropWritten = async (): Promise<void> => {
    for (const f of written.splice(0)) await store.delete(store.keyOf(f.filePath)).catch(() => undefined);
  };
  /** Joins the source to the base's live rows into `j`; the files holding rows it changes, by engine path. */
  const match = async (base: TableMetadata, live: ManifestEntry[]): Promise<{ hit: [string, DataFile][]; view: (files: DataFile[]) => Promise<void> }> => {
    const schema = currentSchema(base);
    const files = live.map((e) => e.dataFile);
    const view = async (fs: DataFile[]): Promise<void> =>
      ctx.binder.createViewSql(targetView, await scanSql(currentScan(base, label, fs, schema), store, { fileColumn: FILE, positionColumn: POS }));
    await view(files);
    await execSql(ctx.engine, `CREATE OR REPLACE TEMP TABLE ${j} AS SELECT * FROM (${bound}) WHERE ${quoteIdent(CLAUSE)} IN (${plan.acting.join(', ') || 'NULL'})`, 'merge');
    const [dup] = await runSql<Record<string, unknown>>(
      ctx.engine,
      `SELECT count(*) AS n, ${keys.map((_, i) => `any_value(CAST(__k${i} AS VARCHAR)) AS __k${i}`).join(', ')} FROM ${j} WHERE __f IS NOT NULL GROUP BY __f, __p HAVING count(*) > 1 LIMIT 1`,
      'merge',
    );
    if (dup) {
      const key = keys.map((k, i) => `${k} = ${dup[`__k${i}`] ?? 'NULL'}`).join(', ');
      throw new InvalidInput(
        `merge: the row of ${label} with ${key || 'the same values'} is matched by ${dup['n']} source rows; a MERGE may change each target row once: make the source hold one row per key (GROUP BY, or DISTINCT ON), or narrow ON; nothing was committed`,
        { details: { table: label, key } },
      );
    }
    const byClause = await runSql<{ c: number; n: string }>(ctx.engine, `SELECT ${quoteIdent(CLAUSE)} AS c, count(*) AS n FROM ${j} GROUP BY 1`, 'merge');
    counts.updated = counts.deleted = counts.inserted = 0;
    for (const r of byClause) counts[plan.kinds[Number(r.c) - 1]!] += Number(r.n);
    const paths = await runSql<{ f: string }>(ctx.engine, `SELECT DISTINCT __f AS f FROM ${j} WHERE __f IS NOT NULL`, 'merge');
    const byPath = await engineLocations(store, files);
    stats.files_total = stats.files_scanned = files.length;
    stats.bytes_total = stats.bytes_scanned = files.reduce((n, f) => n + f.fileSizeInBytes, 0);
    return { hit: paths.flatMap((p) => (byPath.has(p.f) ? [[p.f, byPath.get(p.f)!] as [string, DataFile]] : [])), view };
  };
  const newRows = `SELECT ${fields.map((f, i) => `__v${i} AS ${quoteIdent(f.name)}`).join(', ')} FROM ${j} WHERE ${quoteIdent(CLAUSE)} IN (${plan.writing.join(', ') || 'NULL'})`;

  let snapshotId: bigint | undefined;
  try {
    if (table.metadata.properties[MERGE_MODE] === 'merge-on-read') {
      const done = await table.commitWith(table.rowDeltaChange(async (base, live) => {
        await dropWritten();
        const { hit } = await match(base, live);
        const deletes: DataFile[] = [];
        for (const [path, f] of hit) {
          const d = await writePositionDeletes(ctx.engine, store, base, f, `SELECT __p AS pos FROM ${j} WHERE __f = ${quoteLiteral(path)}`);
          if (!d) continue;
          written.push(d);
          deletes.push(d);
        }
        const data = plan.writing.length ? await write(ctx, base, newRows) : [];
        written.push(...data);
        notCancelled(ctx);
        return { data, deletes };
      }));
      if (done.changed) snapshotId = currentSnapshot(done.metadata)?.['snapshot-id'];
    } else {
      const snapshot = await table.rewrite('overwrite', async (base, live) => {
        await dropWritten(); // files of an earlier attempt that lost a commit race
        const { hit, view } = await match(base, live);
        if (hit.length === 0 && counts.inserted === 0) return { remove: [], add: [] };
        await view(hit.map(([, f]) => f));
        const cols = fields.map((f) => quoteIdent(f.name)).join(', ');
        const kept = `SELECT ${cols} FROM ${quoteIdent(targetView)} AS t ANTI JOIN ${j} ON ${j}.__f = t.${quoteIdent(FILE)} AND ${j}.__p = t.${quoteIdent(POS)}`;
        written = await write(ctx, base, `${kept} UNION ALL ${newRows}`);
        notCancelled(ctx);
        return { remove: hit.map(([, f]) => f.filePath), add: written };
      });
      snapshotId = snapshot?.['snapshot-id'];
    }
  } catch (e) {
    await dropWritten();
    throw e;
  } finally {
    await ctx.engine.run(`DROP TABLE IF EXISTS ${j}`).catch(() => undefined);
  }
  const changed = counts.updated + counts.deleted + counts.inserted;
  return {
    rowCount: changed,
    message: `merged into ${label}: ${rowsText(counts.updated)} updated, ${rowsText(counts.deleted)} deleted, ${rowsText(counts.inserted)} inserted`,
    ...(snapshotId !== undefined ? { snapshotId } : {}),
  };
}

type ChangeKind = 'updated' | 'deleted' | 'inserted';

interface ClausePlan {
  /** Which clause (1-based) each row takes, or NULL. */
  clause: string;
  /** Per target column `__v<i>`: its value after the row's clause. */
  values: string[];
  /** The clauses that change something, and those that write a row. */
  acting: number[];
  writing: number[];
  kinds: ChangeKind[];
}

async function planClauses(
  ctx: StatementContext,
  s: Merge,
  fields: readonly NestedField[],
  label: string,
  targetAlias: string,
  b: string,
  sourceColumns: readonly string[],
): Promise<ClausePlan> {
  const a = quoteIdent(targetAlias);
  const field = (col: string): NestedField => {
    const f = fields.find((x) => x.name === col) ?? fields.find((x) => x.name.toLowerCase() === col.toLowerCase());
    if (!f) throw new InvalidInput(`merge: ${label} has no column ${col} (columns: ${fields.map((x) => x.name).join(', ')})`);
    return f;
  };
  /** The source's column for target column `f`, by name (Spark's `*`) or by position (DuckDB's bare UPDATE / INSERT). */
  const fromSource = (f: NestedField, by: WholeRow): string => {
    if (by === 'position') {
      if (sourceColumns.length !== fields.length) {
        throw new InvalidInput(`merge: ${label} has ${fields.length} columns but the source gives ${sourceColumns.length}, which UPDATE/INSERT by position needs to be equal; name the columns, or use INSERT *`);
      }
      return `${b}.${quoteIdent(sourceColumns[fields.indexOf(f)]!)}`;
    }
    const col = sourceColumns.find((c) => c === f.name) ?? sourceColumns.find((c) => c.toLowerCase() === f.name.toLowerCase());
    if (!col) throw new InvalidInput(`merge: the source has no column ${f.name}, which * needs (source columns: ${sourceColumns.join(', ')})`);
    return `${b}.${quoteIdent(col)}`;
  };
  const matched = `${a}.${quoteIdent(FILE)} IS NOT NULL AND ${b}.${quoteIdent(SOURCE_ROW)} IS NOT NULL`;
  const when: Record<MergeClause['when'], string> = {
    matched,
    'not-matched': `${a}.${quoteIdent(FILE)} IS NULL`,
    'not-matched-by-source': `${b}.${quoteIdent(SOURCE_ROW)} IS NULL`,
  };
  const branches: string[] = [];
  const perColumn: string[][] = fields.map(() => []);
  const plan: ClausePlan = { clause: '', values: [], acting: [], writing: [], kinds: [] };
  for (const [k, c] of s.clauses.entries()) {
    const n = k + 1;
    const cond = c.condition ? ` AND ${await sqlExpression(ctx.engine, c.condition, `merge: WHEN … AND`, { subqueries: true })}` : '';
    branches.push(`WHEN ${when[c.when]}${cond} THEN ${n}`);
    const act = c.action;
    plan.kinds.push(act.kind === 'update' ? 'updated' : act.kind === 'insert' ? 'inserted' : 'deleted');
    if (act.kind === 'nothing') continue;
    plan.acting.push(n);
    if (act.kind === 'delete') continue;
    plan.writing.push(n);
    const value = new Map<string, string>();
    if (act.kind === 'update') {
      for (const f of fields) value.set(f.name, `${a}.${quoteIdent(f.name)}`);
      if (typeof act.assignments === 'string') for (const f of fields) value.set(f.name, fromSource(f, act.assignments));
      else {
        const set = new Set<string>();
        for (const asg of act.assignments) {
          if (asg.qualifier !== undefined && asg.qualifier.toLowerCase() !== targetAlias.toLowerCase()) {
            throw new InvalidInput(`merge: SET ${asg.qualifier}.${asg.column}: only the target's columns are set; write SET ${asg.column} = … (or ${targetAlias}.${asg.column})`);
          }
          const f = field(asg.column);
          if (set.has(f.name)) throw new InvalidInput(`merge: column ${f.name} is set twice in one WHEN clause`);
          set.add(f.name);
          value.set(f.name, await sqlExpression(ctx.engine, asg.expr, `merge: SET ${f.name}`, { subqueries: true }));
        }
      }
    } else if (typeof act.values === 'string') {
      for (const f of fields) value.set(f.name, fromSource(f, act.values));
    } else {
      const targets = act.columns ? act.columns.map((col) => field(col).name) : fields.map((f) => f.name);
      if (targets.length !== act.values.length) {
        throw new InvalidInput(`merge: INSERT ${act.columns ? `names ${targets.length} columns` : `into ${label} needs ${targets.length} values (one per column)`} but gives ${act.values.length} values`);
      }
      const dup = targets.find((t, i) => targets.indexOf(t) !== i);
      if (dup) throw new InvalidInput(`merge: column ${dup} is given twice in INSERT`);
      for (const [i, t] of targets.entries()) value.set(t, await sqlExpression(ctx.engine, act.values[i]!, `merge: INSERT value of ${t}`, { subqueries: true }));
    }
    for (const [i, f] of fields.entries()) perColumn[i]!.push(`WHEN ${n} THEN CAST(${value.get(f.name) ?? 'NULL'} AS ${icebergToDuckdb(f.type)})`);
  }
  const clause = quoteIdent(CLAUSE);
  plan.clause = `CASE ${branches.join(' ')} END`;
  plan.values = perColumn.map((ws, i) => `${ws.length ? `CASE ${clause} ${ws.join(' ')} END` : 'NULL'} AS __v${i}`);
  return plan;
}

/** The target's columns ON compares (its key, for an error naming a row); all its columns when ON names none. */
async function onKeys(ctx: StatementContext, on: string, fields: readonly NestedField[], alias: string): Promise<string[]> {
  const names = new Set<string>();
  const analysis = await analyzeQuery(ctx.engine, `SELECT ${on}`);
  walk(JSON.parse(analysis.json), (node) => {
    if (node['class'] !== 'COLUMN_REF') return;
    const parts = node['column_names'] as string[];
    const col = parts.length === 2 && parts[0]!.toLowerCase() === alias.toLowerCase() ? parts[1] : parts.length === 1 ? parts[0] : undefined;
    const f = col === undefined ? undefined : fields.find((x) => x.name === col) ?? fields.find((x) => x.name.toLowerCase() === col.toLowerCase());
    if (f) names.add(f.name);
  });
  return names.size ? [...names] : fields.map((f) => f.name);
}
