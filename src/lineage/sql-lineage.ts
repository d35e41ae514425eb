/**
 * Column lineage of one SELECT, read from DuckDB's own parse tree (`json_serialize_sql`): each
 * output column with the base-table columns it is computed from, followed through CTEs,
 * subqueries, joins, aggregates, window functions, CASE and `*`. What cannot be resolved (an
 * unknown column, `*` over a table whose columns are unknown, a table function) becomes a warning
 * and table-level lineage, never an error.
 */
import { walk, type AstNode } from '../engine/index.js';
import { furthest, uniqueInputs, type ColumnInput, type ColumnLineage, type LineageKind } from './lineage-types.js';

/** The columns of a base table `ns.t` (lower case), or undefined when Silt does not know them. */
export type SchemaOf = (table: string) => readonly string[] | undefined;

export interface SqlLineage {
  /** Output columns; undefined when they cannot be listed (`*` over an unknown relation). */
  columns: ColumnLineage[] | undefined;
  /** Every base table the statement reads, lower case. */
  tables: string[];
  /** Columns that filter, join or group the rows. */
  rowInputs: ColumnInput[];
  warnings: string[];
}

export interface SqlLineageInput {
  /** The parsed statement (`statements[0]` of `json_serialize_sql`). */
  statement: AstNode;
  schemaOf: SchemaOf;
  /** Aggregate function names (lower case): these make a column an aggregation. */
  aggregates: ReadonlySet<string>;
  /** The name DuckDB gives an unaliased select-list expression. */
  nameOf: (expr: AstNode) => string;
  /** How warnings name the statement, e.g. `model gold.daily_sales`. */
  label: string;
}

/** A relation in scope: a base table, a CTE or a subquery. */
interface Rel {
  columns: ColumnLineage[] | undefined;
  /** The base table when the relation is one whose columns are unknown: its references are taken as written. */
  base?: string;
  tables: Set<string>;
}

interface Binding {
  /** Names it may be qualified with, lower case: alias or table name, and `ns.t`. */
  names: string[];
  rel: Rel;
}

interface Scope {
  bindings: Binding[];
  ctes: Map<string, Rel>;
  parent?: Scope;
  /** Select-list aliases seen so far (DuckDB lets later items and WHERE use them). */
  aliases: Map<string, ColumnLineage>;
}

interface Expr {
  inputs: ColumnInput[];
  kind: LineageKind;
  unresolved: boolean;
}

export function sqlLineage(input: SqlLineageInput): SqlLineage {
  const walker = new Walker(input);
  const rel = walker.queryNode(input.statement['node'] as AstNode, undefined, new Map());
  return {
    columns: rel.columns,
    tables: [...rel.tables],
    rowInputs: uniqueInputs(walker.rowInputs),
    warnings: [...new Set(walker.warnings)],
  };
}

class Walker {
  readonly warnings: string[] = [];
  readonly rowInputs: ColumnInput[] = [];

  constructor(private readonly input: SqlLineageInput) {}

  private warn(message: string): void {
    this.warnings.push(`${this.input.label}: ${message}`);
  }

  queryNode(node: AstNode, parent: Scope | undefined, outerCtes: Map<string, Rel>): Rel {
    const ctes = new Map(outerCtes);
    const cteMap = node['cte_map'] as { map?: { key: string; value: AstNode }[] } | undefined;
    for (const entry of cteMap?.map ?? []) {
      const query = (entry.value['query'] as AstNode | undefined)?.['node'] as AstNode | undefined;
      const rel = query ? this.queryNode(query, parent, ctes) : unknownRel();
      const aliases = (entry.value['aliases'] as string[] | undefined) ?? [];
      ctes.set(entry.key.toLowerCase(), renameColumns(rel, aliases));
    }
    const type = String(node['type']);
    if (type === 'SELECT_NODE') return this.selectNode(node, parent, ctes);
    if (type === 'SET_OPERATION_NODE') {
      const sides = ((node['children'] as AstNode[] | undefined) ?? [node['left'] as AstNode, node['right'] as AstNode]).filter(Boolean);
      const rels = sides.map((s) => this.queryNode(s, parent, ctes));
      return unionRels(rels);
    }
    this.warn(`a ${type.toLowerCase().replace(/_/g, ' ')} is not followed column by column; its lineage is table-level`);
    return { columns: undefined, tables: this.tablesUnder(node) };
  }

  private selectNode(node: AstNode, parent: Scope | undefined, ctes: Map<string, Rel>): Rel {
    const scope: Scope = { bindings: [], ctes, parent, aliases: new Map() };
    const from = node['from_table'] as AstNode | undefined;
    const tables = new Set<string>();
    if (from) this.fromTable(from, scope, tables);
    for (const b of scope.bindings) for (const t of b.rel.tables) tables.add(t);

    const columns: ColumnLineage[] | undefined = [];
    let known = true;
    const add = (c: ColumnLineage): void => {
      columns.push(c);
      scope.aliases.set(c.name.toLowerCase(), c);
    };
    for (const item of (node['select_list'] as AstNode[] | undefined) ?? []) {
      if (item['class'] === 'STAR' && !item['expr'] && !item['columns']) {
        const expanded = this.star(item, scope);
        if (expanded) expanded.forEach(add);
        else known = false;
        continue;
      }
      const e = this.expr(item, scope, tables);
      const name = String(item['alias'] || '') || (item['class'] === 'COLUMN_REF' ? lastName(item) : this.input.nameOf(item));
      const direct = item['class'] === 'COLUMN_REF' && e.kind === 'direct';
      add({ name, inputs: e.inputs, kind: direct ? 'direct' : furthest('transformation', e.kind), ...(e.unresolved ? { unresolved: true } : {}) });
    }
    for (const key of ['where_clause', 'having', 'qualify']) {
      const clause = node[key] as AstNode | null | undefined;
      if (clause) this.rowInputs.push(...this.expr(clause, scope, tables).inputs);
    }
    for (const g of (node['group_expressions'] as AstNode[] | undefined) ?? []) {
      if (g['class'] === 'CONSTANT') continue; // GROUP BY 1: the select-list item, already followed
      this.rowInputs.push(...this.expr(g, scope, tables).inputs);
    }
    return { columns: known ? columns : undefined, tables };
  }

  private fromTable(from: AstNode, scope: Scope, tables: Set<string>): void {
    const type = String(from['type']);
    const alias = String(from['alias'] || '').toLowerCase();
    const renames = (from['column_name_alias'] as string[] | undefined) ?? [];
    if (type === 'BASE_TABLE') {
      const name = String(from['table_name']).toLowerCase();
      const schema = String(from['schema_name'] || '').toLowerCase();
      if (!schema) {
        const cte = lookupCte(scope, name);
        if (cte) {
          scope.bindings.push({ names: [alias || name], rel: renameColumns(cte, renames) });
          return;
        }
        this.warn(`table ${name} is neither a CTE nor namespace.table; its lineage is unknown`);
        scope.bindings.push({ names: [alias || name], rel: unknownRel() });
        return;
      }
      const table = `${schema}.${name}`;
      tables.add(table);
      const known = this.input.schemaOf(table);
      const rel: Rel = known
        ? { columns: known.map((c) => ({ name: c, inputs: [{ table, column: c }], kind: 'direct' })), tables: new Set([table]) }
        : { columns: undefined, base: table, tables: new Set([table]) };
      if (!known) this.warn(`the columns of ${table} are unknown; its columns are taken as the SQL names them`);
      scope.bindings.push({ names: alias ? [alias] : [name, table], rel: renameColumns(rel, renames) });
      return;
    }
    if (type === 'JOIN') {
      this.fromTable(from['left'] as AstNode, scope, tables);
      this.fromTable(from['right'] as AstNode, scope, tables);
      const condition = from['condition'] as AstNode | null | undefined;
      if (condition) this.rowInputs.push(...this.expr(condition, scope, tables).inputs);
      for (const u of (from['using_columns'] as string[] | undefined) ?? []) {
        for (const b of scope.bindings) {
          const c = b.rel.columns?.find((x) => x.name.toLowerCase() === u.toLowerCase());
          if (c) this.rowInputs.push(...c.inputs);
        }
      }
      return;
    }
    if (type === 'SUBQUERY') {
      const inner = (from['subquery'] as AstNode)['node'] as AstNode;
      const rel = this.queryNode(inner, scope.parent, scope.ctes);
      scope.bindings.push({ names: [alias], rel: renameColumns(rel, renames) });
      return;
    }
    if (type === 'EMPTY') return;
    const what = type === 'TABLE_FUNCTION' ? `table function ${String((from['function'] as AstNode | undefined)?.['function_name'] ?? '')}()` : type.toLowerCase();
    this.warn(`${what} is not followed column by column; its lineage is table-level`);
    scope.bindings.push({ names: [alias], rel: { columns: undefined, tables: this.tablesUnder(from) } });
  }

  /** `*` / `t.*` expanded against the relations in scope, or undefined when one's columns are unknown. */
  private star(item: AstNode, scope: Scope): ColumnLineage[] | undefined {
    const relation = String(item['relation_name'] || '').toLowerCase();
    const exclude = new Set(((item['exclude_list'] as unknown[] | undefined) ?? []).map((e) => starName(e).toLowerCase()));
    const replace = new Map<string, AstNode>();
    for (const r of (item['replace_list'] as { key: string; value: AstNode }[] | undefined) ?? []) replace.set(r.key.toLowerCase(), r.value);
    const bindings = relation ? scope.bindings.filter((b) => b.names.includes(relation)) : scope.bindings;
    if (relation && bindings.length === 0) {
      this.warn(`${relation}.* names no relation in its FROM`);
      return undefined;
    }
    const out: ColumnLineage[] = [];
    for (const b of bindings) {
      if (!b.rel.columns) {
        this.warn(`cannot expand ${relation ? `${relation}.*` : '*'}: the columns of ${b.rel.base ?? b.names[0] ?? 'a relation'} are unknown; lineage is table-level`);
        return undefined;
      }
      for (const c of b.rel.columns) {
        const lower = c.name.toLowerCase();
        if (exclude.has(lower)) continue;
        const replaced = replace.get(lower);
        if (replaced) {
          const e = this.expr(replaced, scope, new Set());
          out.push({ name: c.name, inputs: e.inputs, kind: furthest('transformation', e.kind), ...(e.unresolved ? { unresolved: true } : {}) });
        } else out.push(c);
      }
    }
    return out;
  }

  /** The base columns an expression reads, and how far its value is from them. */
  private expr(node: AstNode, scope: Scope, tables: Set<string>): Expr {
    const out: Expr = { inputs: [], kind: 'direct', unresolved: false };
    const visit = (n: unknown, bound: ReadonlySet<string> = new Set()): void => {
      if (Array.isArray(n)) return n.forEach((x) => visit(x, bound));
      if (n === null || typeof n !== 'object') return;
      const obj = n as AstNode;
      const cls = obj['class'];
      if (cls === 'LAMBDA') {
        // `x -> x + 1`: x is the lambda's parameter, not a column.
        const params = new Set(bound);
        walk(obj['lhs'], (p) => {
          if (p['class'] === 'COLUMN_REF') params.add(String((p['column_names'] as string[])[0]).toLowerCase());
        });
        return visit(obj['expr'], params);
      }
      if (cls === 'COLUMN_REF' && bound.has(String((obj['column_names'] as string[])[0]).toLowerCase())) return;
      if (cls === 'COLUMN_REF') {
        const c = this.resolve(obj['column_names'] as string[], scope);
        if (c) {
          out.inputs.push(...c.inputs);
          out.kind = furthest(out.kind, c.kind);
          if (c.unresolved) out.unresolved = true;
        } else out.unresolved = true;
        return;
      }
      if (cls === 'SUBQUERY') {
        const sub = (obj['subquery'] as AstNode)['node'] as AstNode;
        const before = this.rowInputs.length;
        const rel = this.queryNode(sub, scope, scope.ctes);
        for (const t of rel.tables) tables.add(t);
        // What a subquery filters on decides the value it yields: it is an input of the expression.
        out.inputs.push(...this.rowInputs.splice(before), ...(rel.columns ?? []).flatMap((c) => c.inputs));
        out.kind = furthest(out.kind, 'transformation');
        for (const c of rel.columns ?? []) out.kind = furthest(out.kind, c.kind);
        if (!rel.columns) out.unresolved = true;
        visit(obj['child'], bound);
        return;
      }
      if (cls === 'WINDOW' || (cls === 'FUNCTION' && this.input.aggregates.has(String(obj['function_name']).toLowerCase()))) {
        out.kind = 'aggregation';
      }
      for (const v of Object.values(obj)) visit(v, bound);
    };
    visit(node);
    out.inputs = uniqueInputs(out.inputs);
    return out;
  }

  /** The column a reference names: `col`, `t.col`, `ns.t.col`, maybe followed by struct fields. */
  private resolve(names: string[], scope: Scope): ColumnLineage | undefined {
    const lower = names.map((n) => n.toLowerCase());
    for (let s: Scope | undefined = scope; s; s = s.parent) {
      const found = this.resolveIn(lower, s);
      if (found) return found;
    }
    const alias = scope.aliases.get(lower[0]!);
    if (alias) return lower.length > 1 ? { ...alias, kind: furthest(alias.kind, 'transformation') } : alias;
    const candidates = scope.bindings.map((b) => b.names[0]).filter(Boolean);
    this.warn(`column ${names.join('.')} is not in ${candidates.length ? candidates.join(', ') : 'its FROM'}; its lineage is table-level`);
    return undefined;
  }

  private resolveIn(names: string[], scope: Scope): ColumnLineage | undefined {
    const tries: { binding: Binding; column: string; rest: number }[] = [];
    if (names.length >= 3) {
      const b = scope.bindings.find((x) => x.names.includes(`${names[0]}.${names[1]}`));
      if (b) tries.push({ binding: b, column: names[2]!, rest: names.length - 3 });
    }
    if (names.length >= 2) {
      const b = scope.bindings.find((x) => x.names.includes(names[0]!));
      if (b) tries.push({ binding: b, column: names[1]!, rest: names.length - 2 });
    }
    const having = scope.bindings.filter((b) => b.rel.columns?.some((c) => c.name.toLowerCase() === names[0]));
    if (having.length >= 1) tries.push({ binding: having[0]!, column: names[0]!, rest: names.length - 1 });
    else {
      // Only relations whose columns are unknown could hold it: one such relation in scope does.
      const open = scope.bindings.filter((b) => !b.rel.columns);
      if (open.length === 1 && scope.bindings.length === 1) tries.push({ binding: open[0]!, column: names[0]!, rest: names.length - 1 });
    }
    for (const t of tries) {
      const col = columnOf(t.binding.rel, t.column);
      if (!col) continue;
      return t.rest > 0 ? { ...col, kind: furthest(col.kind, 'transformation') } : col;
    }
    return undefined;
  }

  private tablesUnder(node: AstNode): Set<string> {
    const out = new Set<string>();
    walk(node, (obj) => {
      if (obj['type'] === 'BASE_TABLE' && obj['schema_name']) out.add(`${String(obj['schema_name'])}.${String(obj['table_name'])}`.toLowerCase());
    });
    return out;
  }
}

function columnOf(rel: Rel, column: string): ColumnLineage | undefined {
  if (rel.columns) return rel.columns.find((c) => c.name.toLowerCase() === column);
  if (rel.base) return { name: column, inputs: [{ table: rel.base, column }], kind: 'direct' };
  return undefined;
}

function lookupCte(scope: Scope, name: string): Rel | undefined {
  for (let s: Scope | undefined = scope; s; s = s.parent) {
    const rel = s.ctes.get(name);
    if (rel) return rel;
  }
  return undefined;
}

function unknownRel(): Rel {
  return { columns: undefined, tables: new Set() };
}

/** A column alias list `AS x(a, b)` renames the first columns, in order. */
function renameColumns(rel: Rel, names: readonly string[]): Rel {
  if (names.length === 0 || !rel.columns) return rel;
  return { ...rel, columns: rel.columns.map((c, i) => (i < names.length ? { ...c, name: names[i]! } : c)) };
}

/** UNION / EXCEPT / INTERSECT: columns by position, named by the first side. */
function unionRels(rels: Rel[]): Rel {
  const tables = new Set(rels.flatMap((r) => [...r.tables]));
  if (rels.some((r) => !r.columns)) return { columns: undefined, tables };
  const first = rels[0]!.columns!;
  const columns = first.map((c, i) => {
    const sides = rels.map((r) => r.columns![i]).filter((x): x is ColumnLineage => x !== undefined);
    const kind = sides.reduce<LineageKind>((k, s) => furthest(k, s.kind), 'direct');
    return { name: c.name, inputs: uniqueInputs(sides.flatMap((s) => s.inputs)), kind, ...(sides.some((s) => s.unresolved) ? { unresolved: true } : {}) };
  });
  return { columns, tables };
}

function lastName(item: AstNode): string {
  const names = item['column_names'] as string[];
  return names[names.length - 1]!;
}

/** An EXCLUDE entry: a name, or (newer DuckDB) a qualified name object. */
function starName(e: unknown): string {
  if (typeof e === 'string') return e;
  const obj = e as AstNode;
  return String(obj['column_name'] ?? obj['name'] ?? '');
}
