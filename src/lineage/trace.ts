import { didYouMean } from '../config/index.js';
import { NotFound } from '../errors.js';
import type { LakehouseLineage } from './build-lineage.js';
import type { ColumnInput, LineageKind, TableLineage } from './lineage-types.js';

/** One table (or column) in a lineage tree, with what feeds it (up) or what it feeds (down). */
export interface LineageNode {
  table: string;
  column?: string;
  /** How this node's value comes from the node below it (up) or how it makes the node above (down). */
  kind?: LineageKind;
  how?: string[];
  children: LineageNode[];
}

export type Direction = 'up' | 'down' | 'both';

export interface LineageTrace {
  table: string;
  column?: string;
  upstream?: LineageNode[];
  downstream?: LineageNode[];
  warnings: string[];
}

/**
 * Upstream and/or downstream of `table` (or of one of its columns). NotFound for a table the
 * lakehouse neither declares nor reads, or a column its known columns lack.
 */
export function traceLineage(lineage: LakehouseLineage, table: string, column: string | undefined, direction: Direction): LineageTrace {
  const name = table.toLowerCase();
  const byName = new Map(lineage.tables.map((t) => [t.table, t]));
  const known = new Set([...byName.keys(), ...lineage.tables.flatMap((t) => t.inputs)]);
  if (!known.has(name)) {
    const hint = didYouMean(name, [...known]);
    throw new NotFound(`lineage: no table ${table} in the declared lakehouse${hint ? ` (did you mean ${hint}?)` : ''}; tables: ${[...byName.keys()].filter((t) => !t.startsWith('landing/')).join(', ')}`, {
      code: 'table_not_found',
      details: { table },
    });
  }
  const self = byName.get(name);
  let col = column;
  if (column !== undefined && self?.columns) {
    const found = self.columns.find((c) => c.name.toLowerCase() === column.toLowerCase());
    if (!found) {
      const names = self.columns.map((c) => c.name);
      const hint = didYouMean(column, names);
      throw new NotFound(`lineage: ${name} has no column ${column}${hint ? ` (did you mean ${hint}?)` : ''}; columns: ${names.join(', ')}`, {
        code: 'column_not_found',
        details: { table: name, key: column },
      });
    }
    col = found.name;
  }
  const warnings = [...new Set(self?.warnings ?? [])];
  const out: LineageTrace = { table: name, ...(col !== undefined ? { column: col } : {}), warnings };
  if (direction !== 'down') out.upstream = col === undefined ? tablesUp(byName, name, []) : columnsUp(byName, { table: name, column: col }, []);
  if (direction !== 'up') out.downstream = col === undefined ? tablesDown(lineage.tables, name, []) : columnsDown(lineage.tables, { table: name, column: col }, []);
  return out;
}

function tablesUp(byName: Map<string, TableLineage>, table: string, path: string[]): LineageNode[] {
  if (path.includes(table)) return [];
  return (byName.get(table)?.inputs ?? []).map((input) => ({ table: input, children: tablesUp(byName, input, [...path, table]) }));
}

function tablesDown(tables: readonly TableLineage[], table: string, path: string[]): LineageNode[] {
  if (path.includes(table)) return [];
  return tables.filter((t) => t.inputs.includes(table)).map((t) => ({ table: t.table, children: tablesDown(tables, t.table, [...path, table]) }));
}

const key = (c: ColumnInput): string => `${c.table}.${c.column.toLowerCase()}`;

function columnsUp(byName: Map<string, TableLineage>, at: ColumnInput, path: string[]): LineageNode[] {
  if (path.includes(key(at))) return [];
  const table = byName.get(at.table);
  const col = table?.columns?.find((c) => c.name.toLowerCase() === at.column.toLowerCase());
  const columns: LineageNode[] = (col?.inputs ?? []).map((input) => ({
    table: input.table,
    column: input.column,
    kind: col!.kind,
    ...(col!.how ? { how: col!.how } : {}),
    children: columnsUp(byName, rootColumn(input), [...path, key(at)]),
  }));
  // A column whose inputs are not all known (or a table whose columns are not): its tables stand in.
  if (col && !col.unresolved) return columns;
  const named = new Set(columns.map((c) => c.table));
  const tables = (table?.inputs ?? []).filter((t) => !named.has(t)).map((t) => ({ table: t, children: tablesUp(byName, t, [at.table]) }));
  return [...columns, ...tables];
}

function columnsDown(tables: readonly TableLineage[], at: ColumnInput, path: string[]): LineageNode[] {
  if (path.includes(key(at))) return [];
  const out: LineageNode[] = [];
  for (const t of tables) {
    for (const c of t.columns ?? []) {
      if (!c.inputs.some((i) => i.table === at.table && feeds(i.column, at.column))) continue;
      const next = { table: t.table, column: c.name };
      out.push({ ...next, kind: c.kind, ...(c.how ? { how: c.how } : {}), children: columnsDown(tables, next, [...path, key(at)]) });
    }
  }
  return out;
}

/** An input `a.b` (a struct field) is fed by column `a`. */
function feeds(input: string, column: string): boolean {
  const i = input.toLowerCase();
  const c = column.toLowerCase();
  return i === c || i.startsWith(`${c}.`);
}

/** The table column an input reads: `location` for the struct path `location.lat`. */
function rootColumn(input: ColumnInput): ColumnInput {
  return { table: input.table, column: input.column.split('.')[0]! };
}
