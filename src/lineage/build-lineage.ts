import type { Catalog } from '../catalog/index.js';
import { prepareSelect, runnableRepresentations, type Engine } from '../engine/index.js';
import { discoverModels, modelOrder, tableOf, type Model } from '../models/index.js';
import { layersIn, pipelineConfig, sourceTable } from '../pipeline/index.js';
import type { Project } from '../project/index.js';
import { currentSchema } from '../table/index.js';
import { bronzeLineage, type KnownColumn } from './bronze-lineage.js';
import type { TableLineage } from './lineage-types.js';
import { selectLineage } from './select-lineage.js';
import { silverLineage } from './silver-lineage.js';

/** The lineage of the declared lakehouse: landing → bronze → silver (+ quarantine) → gold, and the catalog's views. */
export interface LakehouseLineage {
  /** Every table, upstream before downstream. */
  tables: TableLineage[];
}

/**
 * Lineage from silt.yaml and the models' SQL. Bronze and gold columns come from the tables'
 * current schemas where they exist (so `*` expands to what the tables hold); silver columns from
 * the contracts.
 */
export async function lakehouseLineage(project: Project, engine: Engine): Promise<LakehouseLineage> {
  const config = pipelineConfig(project.config);
  const models = await discoverModels(engine, config.modelsDir, config.layers?.gold);
  const tables: TableLineage[] = [];
  const byName = new Map<string, TableLineage>();
  const put = (t: TableLineage): void => {
    tables.push(t);
    byName.set(t.table, t);
  };
  for (const [name, source] of Object.entries(config.sources)) {
    const bronze = sourceTable(config, name).toLowerCase();
    const wanted = Object.values(config.silver)
      .filter((c) => c.source.toLowerCase() === bronze)
      .flatMap((c) => Object.entries(c.columns).filter(([, spec]) => spec.expr === undefined).map(([column, spec]) => spec.from ?? column));
    bronzeLineage(name, source, bronze, await catalogColumns(project.catalog, bronze), wanted).forEach(put);
  }
  for (const [name, contract] of Object.entries(config.silver)) {
    silverLineage(layersIn(config).table('silver', name), contract, byName.get(contract.source.toLowerCase())?.columns).forEach(put);
  }
  const schemas = new Map<string, string[] | undefined>();
  const known = async (table: string): Promise<void> => {
    if (schemas.has(table)) return;
    const declared = byName.get(table)?.columns;
    schemas.set(table, declared ? declared.map((c) => c.name) : (await catalogColumns(project.catalog, table))?.map((c) => c.name));
  };
  for (const model of modelOrder(models).flat()) {
    for (const t of model.dependsOn) await known(t);
    put(await goldLineage(engine, model, (t) => byName.get(t)?.columns?.map((c) => c.name) ?? schemas.get(t), await catalogColumns(project.catalog, tableOf(model))));
  }
  // Views last, so one over a gold table sees its columns; lineage through a view reaches its tables.
  for (const { namespace, name } of await project.catalog.views.list()) {
    const view = `${namespace}.${name}`;
    const l = await viewLineage(view);
    put({ table: view, layer: 'view', inputs: l.tables, columns: l.columns, rowInputs: l.rowInputs, warnings: l.warnings });
  }
  return { tables };

  async function viewLineage(view: string) {
    const [namespace, name] = view.split('.') as [string, string];
    const sql = runnableRepresentations((await project.catalog.views.load(namespace, name)).metadata)[0]?.sql;
    if (sql === undefined) return { columns: undefined, tables: [], rowInputs: [], warnings: [`view ${view}: no SQL Silt reads; no lineage`] };
    let prepared: string;
    try {
      prepared = prepareSelect(sql, `view ${view}`).sql;
    } catch (e) {
      return { columns: undefined, tables: [], rowInputs: [], warnings: [`view ${view}: ${e instanceof Error ? e.message : String(e)}; no lineage`] };
    }
    // The tables' columns must be known before the SQL is followed: a first pass names them.
    for (const t of (await selectLineage(engine, prepared, () => undefined, `view ${view}`)).tables) await known(t);
    return selectLineage(engine, prepared, (t) => byName.get(t)?.columns?.map((c) => c.name) ?? schemas.get(t), `view ${view}`);
  }
}

async function goldLineage(engine: Engine, model: Model, schemaOf: (t: string) => readonly string[] | undefined, stored: KnownColumn[] | undefined): Promise<TableLineage> {
  const table = tableOf(model);
  const l = await selectLineage(engine, model.sql, schemaOf, `model ${table} (${model.file})`);
  const typeOf = (name: string) => stored?.find((c) => c.name.toLowerCase() === name.toLowerCase())?.type;
  return {
    table,
    layer: 'gold',
    step: table,
    inputs: model.dependsOn,
    columns: l.columns?.map((c) => {
      const type = typeOf(c.name);
      return type ? { ...c, type } : c;
    }),
    rowInputs: l.rowInputs,
    warnings: l.warnings,
  };
}

/** A catalog table's current columns, or undefined when there is no such table. */
async function catalogColumns(catalog: Catalog, table: string): Promise<KnownColumn[] | undefined> {
  const [namespace, name] = table.split('.') as [string, string];
  if (!name || !(await catalog.tableExists(namespace, name))) return undefined;
  const schema = currentSchema((await catalog.loadTable(namespace, name)).metadata);
  return schema.fields.map((f) => ({ name: f.name, type: typeof f.type === 'string' ? f.type : f.type.type }));
}
