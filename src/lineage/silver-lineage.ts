import { childContract, enrichColumns, expressionInputs, lookupColumns, parseColumnType, QUARANTINE_COLUMNS, LINEAGE_COLUMNS, type ColumnSpec, type ExplodeSpec, type SilverContract } from '../transform/index.js';
import { uniqueInputs, type ColumnInput, type ColumnLineage, type TableLineage } from './lineage-types.js';

/**
 * A silver table and its quarantine, from the contract: each column from the bronze column it
 * reads (`from`, a dotted path into a struct, or its own name), through the cast to its type,
 * trimming, case, masking; enriched columns from their lookup table; the lineage columns
 * `_ingested_at`, `_source_file`, … copied from bronze.
 */
export function silverLineage(table: string, contract: SilverContract, bronze: ColumnLineage[] | undefined): TableLineage[] {
  const [silver, quarantine] = contractLineage(table, contract, bronze);
  return [silver, quarantine, ...(contract.explode ?? []).flatMap((e) => childLineage(table, contract, e, silver, bronze))];
}

/**
 * An explode's child table and its quarantine, written by the parent's step from the parent's
 * source: the parent's key columns from the source columns the parent reads them from, the
 * position from the list column, the element's columns from its fields (`items.sku`). Only the
 * parents the step keeps have children, so the parent's row inputs decide the child's rows too.
 */
function childLineage(step: string, contract: SilverContract, e: ExplodeSpec, parentLineage: TableLineage, bronze: ColumnLineage[] | undefined): TableLineage[] {
  const source = contract.source.toLowerCase();
  const keys = new Set((contract.key ?? []).map((k) => k.toLowerCase()));
  const namespace = step.slice(0, step.indexOf('.'));
  const column = (c: ColumnLineage): ColumnLineage => {
    if (c.name === e.position) {
      return { ...c, inputs: [{ table: source, column: bronzePath(e.column, bronze) }], kind: 'transformation', how: [`position of the element in ${e.column} (from 1)`] };
    }
    if (!keys.has(c.name.toLowerCase())) return c;
    const from = parentLineage.columns?.find((p) => p.name.toLowerCase() === c.name.toLowerCase());
    return { ...c, inputs: from?.inputs ?? c.inputs, kind: 'transformation', how: [`key of the parent ${step} row`, ...(from?.how ?? [])] };
  };
  return contractLineage(`${namespace}.${e.into}`, childContract(contract, e), bronze).map((t) => ({
    ...t,
    step,
    columns: t.columns?.map(column),
    rowInputs: uniqueInputs([...t.rowInputs, ...parentLineage.rowInputs]),
  }));
}

function contractLineage(table: string, contract: SilverContract, bronze: ColumnLineage[] | undefined): [TableLineage, TableLineage] {
  const source = contract.source.toLowerCase();
  const bronzeColumn = (from: string): ColumnLineage | undefined => bronze?.find((c) => c.name.toLowerCase() === from.toLowerCase());
  const inputOf = (spec: ColumnSpec, column: string): ColumnInput => ({ table: source, column: bronzePath(spec.from ?? column, bronze) });
  const byName = new Map<string, ColumnInput>();
  const read = Object.entries(contract.columns).filter(([, spec]) => spec.expr === undefined);
  for (const [column, spec] of read) byName.set(column.toLowerCase(), inputOf(spec, column));
  const columns: ColumnLineage[] = Object.entries(contract.columns).map(([column, spec]) => {
    if (spec.expr !== undefined) return derivedColumn(column, spec, read.map(([c]) => c), byName);
    const input = inputOf(spec, column);
    const type = parseColumnType(spec.type!)?.text ?? spec.type!;
    const how: string[] = [];
    const fromType = bronzeColumn(input.column)?.type;
    if (fromType ? fromType !== type : type !== 'string') how.push(`cast to ${type}${spec.formats ? ` (formats ${spec.formats.join(', ')})` : ''}`);
    if (spec.trim) how.push('trim');
    if (spec.default !== undefined) how.push(`default ${JSON.stringify(spec.default)}`);
    if (spec.case) how.push(`${spec.case} case`);
    if (spec.mask) how.push(`mask ${spec.mask}`);
    return { name: column, type, inputs: [input], kind: how.length ? 'transformation' : 'direct', ...(how.length ? { how } : {}), ...(spec.mask ? { masked: true } : {}) };
  });
  const carried: ColumnLineage[] = LINEAGE_COLUMNS.map((l) => ({ name: l.name, type: l.iceberg, inputs: [{ table: source, column: l.name }], kind: 'direct' }));
  const ruled = (c: string): ColumnInput[] => {
    const i = byName.get(c.toLowerCase());
    if (i) return [i];
    const derived = columns.find((d) => d.name.toLowerCase() === c.toLowerCase() && contract.columns[d.name]?.expr !== undefined);
    return derived ? derived.inputs : [];
  };
  const rules: ColumnInput[] = [];
  for (const e of contract.expectations) {
    if (e.rule === 'sql') continue;
    rules.push(...ruled(e.column));
    if (e.rule === 'references') rules.push({ table: e.table.toLowerCase(), column: e.to });
  }
  const keys = [...(contract.key ?? []), ...(contract.order_by ? [contract.order_by] : [])].flatMap(ruled);
  const silver: TableLineage = {
    table,
    layer: 'silver',
    step: table,
    inputs: [source, ...lookupColumns(contract).keys()],
    columns: [...columns, ...carried, ...enrichedColumns(contract), ...historyColumns(contract, columns, ruled)],
    rowInputs: uniqueInputs([...rules, ...keys]),
    warnings: [],
  };
  const raw = bronze
    ? bronze.filter((c) => !['_ingested_at', '_source_file', '_source_line'].includes(c.name.toLowerCase())).map((c) => ({ table: source, column: c.name }))
    : [...byName.values()];
  const quarantineColumn = (column: string, type: string): ColumnLineage => {
    if (column === 'original') return { name: column, type, inputs: raw, kind: 'transformation', how: ['the raw row as JSON, PII masked'], masked: true };
    if (column === 'reason' || column === 'rule' || column === 'column') return { name: column, type, inputs: uniqueInputs(rules), kind: 'transformation', how: [`the ${column === 'reason' ? 'reasons of the drop rules' : 'first drop rule'} the row broke`] };
    if (column.startsWith('_')) return { name: column, type, inputs: [{ table: source, column }], kind: 'direct' };
    return { name: column, type, inputs: [], kind: 'transformation', how: [column === 'run_id' ? 'the run' : 'when it was quarantined'] };
  };
  const quarantine: TableLineage = {
    table: `${table}_quarantine`,
    layer: 'silver',
    step: table,
    inputs: [source, ...lookupColumns(contract).keys()],
    columns: QUARANTINE_COLUMNS.map((q) => quarantineColumn(q.name, q.iceberg)),
    rowInputs: uniqueInputs(rules),
    warnings: [],
  };
  return [silver, quarantine];
}

/**
 * The bronze column a contract reads: `a.b` as written; a flattened `a_b` as the struct path
 * `a.b` when bronze has a struct `a` and no column `a_b`.
 */
function bronzePath(from: string, bronze: ColumnLineage[] | undefined): string {
  if (from.includes('.') || !bronze) return from;
  const lower = from.toLowerCase();
  const same = bronze.find((c) => c.name.toLowerCase() === lower);
  if (same) return same.name;
  const parent = bronze.find((c) => c.type === 'struct' && lower.startsWith(`${c.name.toLowerCase()}_`));
  return parent ? `${parent.name}.${from.slice(parent.name.length + 1)}` : from;
}

/** A derived column: from the bronze columns its expression's contract columns read. */
function derivedColumn(column: string, spec: ColumnSpec, read: string[], byName: Map<string, ColumnInput>): ColumnLineage {
  const inputs = uniqueInputs(expressionInputs(spec.expr!, read).map((c) => byName.get(c.toLowerCase())!));
  const how = [`computed: ${spec.expr!}`, ...(spec.default !== undefined ? [`default ${JSON.stringify(spec.default)}`] : []), ...(spec.mask ? [`mask ${spec.mask}`] : [])];
  const type = spec.type === undefined ? undefined : (parseColumnType(spec.type)?.text ?? spec.type);
  return { name: column, ...(type ? { type } : {}), inputs, kind: 'transformation', how, ...(spec.mask ? { masked: true } : {}) };
}

/** Columns a contract's `enrich` looks up: each from its column in the lookup table. */
function enrichedColumns(contract: SilverContract): ColumnLineage[] {
  return contract.enrich.flatMap((e) =>
    enrichColumns(e).map((c): ColumnLineage => ({
      name: c.as,
      inputs: [{ table: e.table.toLowerCase(), column: c.source }],
      kind: 'transformation',
      how: [`looked up in ${e.table.toLowerCase()} by ${e.on.join(', ')}`],
    })),
  );
}

/** With `history: true`: the interval columns, from the order_by column of the key's versions. */
function historyColumns(contract: SilverContract, columns: ColumnLineage[], ruled: (c: string) => ColumnInput[]): ColumnLineage[] {
  if (!contract.history || !contract.order_by) return [];
  const ob = contract.order_by;
  const inputs = ob === '_ingested_at' ? [{ table: contract.source.toLowerCase(), column: ob }] : ruled(ob);
  const type = columns.find((c) => c.name === ob)?.type ?? 'timestamptz';
  const how = (what: string): ColumnLineage['how'] => [`${what} by ${[...(contract.key ?? []), ob].join(', ')}`];
  return [
    { name: 'valid_from', type, inputs, kind: 'transformation', how: how(`the version's ${ob}`) },
    { name: 'valid_to', type, inputs, kind: 'transformation', how: how(`the next version's ${ob}`) },
    { name: 'is_current', type: 'boolean', inputs, kind: 'transformation', how: how('no later version') },
  ];
}
