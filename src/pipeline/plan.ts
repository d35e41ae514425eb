import { InvalidInput } from '../errors.js';
import { LAYER_ROLES, PROJECT_FILE } from '../config/index.js';
import { currentScan, parseTypeText, scanSql, SqlSession, type Engine } from '../engine/index.js';
import { parseTableName } from '../catalog/index.js';
import { bronzeTables, checkConnector, landingPrefix, pullOrigin } from '../ingest/index.js';
import { discoverModels, tableOf, type Model } from '../models/index.js';
import type { Project } from '../project/index.js';
import {
  buildSchema,
  currentSchema,
  mergeFields,
  parsePartitionSpec,
  partitionSpecText,
  type IcebergTypeInput,
  type NewField,
  type SchemaChange,
  type Table,
} from '../table/index.js';
import { bindContract, checkContractSource, LINEAGE_COLUMNS, parseColumnType, QUARANTINE_COLUMNS, type ColumnType, type SilverContract } from '../transform/index.js';
import { pipelineConfig } from './config.js';
import { topoOrder } from './graph.js';
import { buildGraph } from './run.js';
import { builtWith, convertToHistory, CONTRACT_PROPERTY, historySwitch } from './history-switch.js';
import { BATCH_COLUMN } from './silver-step.js';
import { formerLayers, formerLayerText, markLayers } from './layer-change.js';

export interface PlanItem {
  /** `+` create, `~` change, `-` no longer declared (kept), `!` cannot be applied, `=` unchanged. */
  action: '+' | '~' | '-' | '!' | '=';
  table: string;
  detail: string;
}

/** The error a plan with changes marked `!` stands for (`plan` and `apply` exit with it); undefined when none is. */
export function blockedPlan(items: readonly PlanItem[], command: 'plan' | 'apply'): InvalidInput | undefined {
  const blocked = items.filter((i) => i.action === '!');
  if (blocked.length === 0) return undefined;
  const n = `${blocked.length} change${blocked.length > 1 ? 's' : ''}`;
  return new InvalidInput(
    `${command}: ${n} cannot be applied (marked !): ${blocked.map((i) => i.table).join(', ')}; ${command === 'apply' ? 'nothing was changed' : 'fix silt.yaml or the tables first'}`,
    { code: 'plan_blocked', details: { table: blocked[0]!.table } },
  );
}

/**
 * What applying silt.yaml would create or alter: tables, columns, partitioning and rules, compared
 * with the catalog. With `apply`, creates the missing silver and gold tables and evolves schemas;
 * bronze tables appear with their first ingest (their columns come from the files).
 */
export async function planLakehouse(project: Project, opts: { apply?: boolean } = {}): Promise<PlanItem[]> {
  const config = pipelineConfig(project.config);
  const { catalog } = project;
  const { layers } = project.config;
  const items: PlanItem[] = [];
  const declared = new Set<string>();
  const engine = await project.openEngine();
  try {
    const models = await discoverModels(engine, config.modelsDir, layers.gold);
    const graph = topoOrder(buildGraph(config, models)); // a cycle is refused before anything is created
    const moved = await formerLayers(catalog, layers, graph.map((n) => n.table));
    if (moved.length) {
      const blocked = moved.map((f): PlanItem => ({ action: '!', table: `${f.now}.*`, detail: formerLayerText(f) }));
      if (opts.apply) throw blockedPlan(blocked, 'apply')!;
      return blocked;
    }
    if (opts.apply) await markLayers(catalog, layers);
    for (const [name, source] of Object.entries(config.sources)) {
      const t = bronzeTables(name, source);
      const id = `${t.namespace}.${t.table}`;
      declared.add(id).add(`${t.namespace}.${t.rejects}`);
      // A pulled source's table and columns are checked now: cheaper than a failed run.
      if (source.pull) await checkConnector(name, source.pull);
      const from = source.pull ? `pulled from ${pullOrigin(source.pull)} into ${landingPrefix(name, source)}` : landingPrefix(name, source);
      items.push(
        (await catalog.tableExists(t.namespace, t.table))
          ? { action: '=', table: id, detail: `source ${name} (${from})` }
          : { action: '+', table: id, detail: `source ${name}: ${from} → ${id}, partitioned by day(_ingested_at); created by the first ingest` },
      );
    }
    const silver = (name: string) => layers.table('silver', name);
    for (const [name, contract] of Object.entries(config.silver)) {
      declared.add(silver(name)).add(silver(`${name}_quarantine`));
      items.push(...(await planSilver(project, engine, name, contract, !!opts.apply)));
      for (const e of contract.explode ?? []) {
        declared.add(silver(e.into)).add(silver(`${e.into}_quarantine`));
        const made = await catalog.tableExists(layers.silver, e.into);
        items.push({ action: made ? '=' : '+', table: silver(e.into), detail: `${e.column} of ${silver(name)}, one row per element${made ? '' : '; created by the first run'}` });
      }
    }
    const session = new SqlSession(engine, catalog);
    for (const m of models) {
      declared.add(tableOf(m));
      items.push(await planGold(project, engine, session, m, !!opts.apply));
    }
    for (const ns of LAYER_ROLES.map((r) => layers[r])) {
      if (!(await catalog.namespaceExists(ns))) continue;
      for (const t of await catalog.listTables(ns)) {
        const id = `${t.namespace}.${t.name}`;
        if (!declared.has(id)) items.push({ action: '-', table: id, detail: 'no longer declared in silt.yaml; kept (drop it with DROP TABLE)' });
      }
    }
    return items;
  } finally {
    engine.close();
  }
}

async function planSilver(project: Project, engine: Engine, name: string, declared: SilverContract, apply: boolean): Promise<PlanItem[]> {
  const { catalog } = project;
  const ns = project.config.layers.silver;
  const id = `${ns}.${name}`;
  // Expressions and defaults bind now, against the contract's typed columns: a wrong one stops plan and apply.
  const contract = await bindContract(engine, declared, name);
  const sourceProblem = await checkAgainstSource(project, engine, name, contract);
  if (sourceProblem) return [{ action: '!', table: id, detail: sourceProblem }];
  const fields = silverFields(contract);
  const rules = contract.expectations.map(ruleText);
  const summary = `${Object.keys(contract.columns).length} columns${contract.key ? `, key ${contract.key.join(', ')}` : ''}, ${rules.length} rule${rules.length === 1 ? '' : 's'}`;
  const quarantineFields: NewField[] = [...QUARANTINE_COLUMNS.map((c) => ({ name: c.name, type: c.iceberg })), { name: BATCH_COLUMN, type: 'string' }];
  const partition = contract.partition_by ?? '';
  const badPartition = partitionProblem(partition, fields);
  if (badPartition) return [{ action: '!', table: id, detail: `${PROJECT_FILE} silver.${name}.partition_by: ${badPartition}` }];
  if (!(await catalog.tableExists(ns, name))) {
    if (apply) {
      await createTable(project, ns, name, fields, partition);
      await (await catalog.loadTable(ns, name)).setProperties({ [CONTRACT_PROPERTY]: JSON.stringify(declared) });
      if (!(await catalog.tableExists(ns, `${name}_quarantine`))) await createTable(project, ns, `${name}_quarantine`, quarantineFields);
    }
    return [
      { action: '+', table: id, detail: `${summary} from ${contract.source}${partition ? `, partitioned by ${partition}` : ''}` },
      { action: '+', table: `${id}_quarantine`, detail: 'rows held by drop rules, with rule, reason and original values' },
    ];
  }
  const table = await catalog.loadTable(ns, name);
  const items: PlanItem[] = [];
  let changes: SchemaChange[] = [];
  try {
    changes = mergeFields(id, currentSchema(table.metadata), fields, 'plan');
  } catch (e) {
    if (!(e instanceof InvalidInput)) throw e;
    items.push({ action: '!', table: id, detail: `${e.message.replace(/^plan: /, '')}` });
  }
  for (const c of changes) items.push({ action: '~', table: id, detail: changeText(c) });
  const declaredNames = new Set(fields.map((f) => f.name.toLowerCase()));
  for (const f of currentSchema(table.metadata).fields) {
    if (!declaredNames.has(f.name.toLowerCase()) && !contract.enrich.length) {
      items.push({ action: '~', table: id, detail: `column ${f.name} is no longer declared; kept, NULL in new rows` });
    }
  }
  const before = builtWith(table);
  if (before) {
    const old = new Map(before.expectations.map((e) => [ruleText(e), ruleSettings(e)]));
    const now = new Map(contract.expectations.map((e) => [ruleText(e), ruleSettings(e)]));
    for (const [r, settings] of now) {
      const was = old.get(r);
      if (was === undefined) items.push({ action: '~', table: id, detail: `rule added: ${r}` });
      else if (was !== settings) items.push({ action: '~', table: id, detail: `rule changed: ${r}: ${was || '(no settings)'} → ${settings || '(no settings)'}` });
    }
    for (const r of [...old.keys()].filter((x) => !now.has(x))) items.push({ action: '~', table: id, detail: `rule removed: ${r}` });
    if (JSON.stringify(before.key ?? []) !== JSON.stringify(contract.key ?? [])) {
      items.push({ action: '~', table: id, detail: `key ${before.key?.join(', ') ?? '(none)'} → ${contract.key?.join(', ') ?? '(none)'}` });
    }
  }
  const repartition = partitionChange(table, partition);
  if (repartition) items.push({ action: '~', table: id, detail: repartition });
  const history = historySwitch(name, table, contract);
  if (history) items.push({ action: history.kind === 'in_place' ? '~' : '!', table: id, detail: history.detail });
  if (apply && changes.length) await table.evolveSchema(changes);
  if (apply && repartition) await table.setPartitionSpec(partition);
  const built = { [CONTRACT_PROPERTY]: JSON.stringify(declared) };
  if (apply && history?.kind === 'in_place') await convertToHistory(engine, project.store, table, contract, built);
  else if (apply) await table.setProperties(built);
  if (items.length === 0) items.push({ action: '=', table: id, detail: summary });
  return items;
}

async function planGold(project: Project, engine: Engine, session: SqlSession, model: Model, apply: boolean): Promise<PlanItem> {
  const { catalog } = project;
  const id = tableOf(model);
  let fields: NewField[] | undefined;
  try {
    const described = await session.execute(`DESCRIBE ${model.sql}\n`);
    fields = [];
    for (const r of described.rows) fields.push({ name: String(r[0]), type: await parseTypeText(engine, String(r[1]), String(r[0])) });
  } catch {
    fields = undefined; // its upstream tables do not exist yet
  }
  const spec = model.config.partitionBy ?? '';
  const ns = project.config.layers.gold;
  if (!(await catalog.tableExists(ns, model.name))) {
    if (apply && fields) await createTable(project, ns, model.name, fields, spec);
    const cols = fields ? `${fields.length} columns` : 'columns known once its upstream tables exist';
    return { action: '+', table: id, detail: `model ${model.file}: ${cols}${spec ? `, partitioned by ${spec}` : ''}, ${model.config.materialized}` };
  }
  const table = await catalog.loadTable(ns, model.name);
  const details: string[] = [];
  if (fields) {
    const bad = partitionProblem(spec, fields);
    if (bad) return { action: '!', table: id, detail: `model ${model.file}: partition_by: ${bad}` };
    try {
      const changes = mergeFields(id, currentSchema(table.metadata), fields, 'plan');
      if (changes.length && apply) await table.evolveSchema(changes);
      details.push(...changes.map(changeText));
    } catch (e) {
      if (e instanceof InvalidInput) return { action: '!', table: id, detail: e.message.replace(/^plan: /, '') };
      throw e;
    }
  }
  const repartition = partitionChange(table, spec);
  if (repartition) {
    if (apply) await table.setPartitionSpec(spec);
    details.push(repartition);
  }
  return details.length ? { action: '~', table: id, detail: details.join('; ') } : { action: '=', table: id, detail: `model ${model.file}` };
}

function silverFields(contract: SilverContract): NewField[] {
  const fields: NewField[] = [];
  for (const [name, spec] of Object.entries(contract.columns)) {
    const type = parseColumnType(spec.type!);
    if (type) fields.push({ name, type: icebergOf(type) });
  }
  for (const c of LINEAGE_COLUMNS) fields.push({ name: c.name, type: c.iceberg });
  if (contract.history) {
    const ob = contract.columns[contract.order_by!]?.type;
    const type = ob ? icebergOf(parseColumnType(ob)!) : 'timestamptz';
    fields.push({ name: 'valid_from', type }, { name: 'valid_to', type }, { name: 'is_current', type: 'boolean' });
  }
  return fields;
}

function icebergOf(t: ColumnType): IcebergTypeInput {
  return t.kind === 'list' && t.element ? { type: 'list', element: icebergOf(t.element) } : (t.text as IcebergTypeInput);
}

async function createTable(project: Project, ns: string, name: string, fields: NewField[], partitionBy = ''): Promise<void> {
  const { schema, lastColumnId } = buildSchema(fields);
  const partitionFields = partitionBy ? parsePartitionSpec(partitionBy, schema) : [];
  await project.catalog.createTable(ns, name, { schema, lastColumnId, partitionFields }, { ifNotExists: true });
}

function ruleText(e: SilverContract['expectations'][number]): string {
  const target = 'column' in e ? `(${e.column})` : `(${e.name})`;
  return `${e.rule}${target} [${e.policy}]`;
}

/** What a rule checks beyond its kind, column and policy (values, bounds, pattern, …), as `key value` text. */
function ruleSettings(e: SilverContract['expectations'][number]): string {
  return Object.entries(e)
    .filter(([k, v]) => !['rule', 'column', 'name', 'policy'].includes(k) && v !== undefined)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k} ${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(', ');
}

function changeText(c: SchemaChange): string {
  switch (c.kind) {
    case 'add':
      return `add column ${c.name} (${typeof c.type === 'string' ? c.type : c.type.type})`;
    case 'widen':
      return `widen column ${c.name} to ${c.type}`;
    case 'rename':
      return `rename column ${c.from} to ${c.to}`;
    case 'drop':
      return `drop column ${c.name}`;
  }
}

/** What is wrong with the contract's columns against its source table's schema (when it exists yet). */
async function checkAgainstSource(project: Project, engine: Engine, name: string, contract: SilverContract): Promise<string | undefined> {
  const src = parseTableName(contract.source);
  if (!(await project.catalog.tableExists(src.namespace, src.name))) return undefined;
  const table = await project.catalog.loadTable(src.namespace, src.name);
  const empty = await scanSql(currentScan(table.metadata, table.name, []), project.store);
  try {
    await checkContractSource(engine, contract, name, `(${empty})`);
    return undefined;
  } catch (e) {
    if (e instanceof InvalidInput) return e.message.replace(/^transform: /, '');
    throw e;
  }
}

/** What `partition_by` says is wrong against the declared columns, or undefined. */
function partitionProblem(text: string, fields: NewField[]): string | undefined {
  if (!text) return undefined;
  try {
    parsePartitionSpec(text, buildSchema(fields).schema);
    return undefined;
  } catch (e) {
    if (e instanceof InvalidInput) return e.message.replace(/^partition: /, '');
    throw e;
  }
}

/** The plan line for a change of the table's partitioning to `declared`, or undefined when it is the same. */
function partitionChange(table: Table, declared: string): string | undefined {
  const now = partitionSpecText(table.metadata);
  if (normalizeSpec(now) === normalizeSpec(declared)) return undefined;
  return `partitioning ${now || '(none)'} → ${declared || '(none)'}: new data is written in the new spec; files written before keep theirs`;
}

function normalizeSpec(text: string): string {
  return text
    .replace(/\s+/g, '')
    .replace(/bucket\[(\d+)\]\((\w+)\)/g, 'bucket($1,$2)')
    .replace(/truncate\[(\d+)\]\((\w+)\)/g, 'truncate($1,$2)')
    .replace(/identity\((\w+)\)/g, '$1')
    .toLowerCase();
}
