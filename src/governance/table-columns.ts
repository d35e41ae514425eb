import type { Catalog } from '../catalog/index.js';
import { currentSchema } from '../table/index.js';

/** A table's columns now (an Iceberg table's current schema, a crawled table's columns), or undefined when there is no such table. */
export async function currentSchemaColumns(catalog: Catalog, namespace: string, table: string): Promise<string[] | undefined> {
  if (await catalog.tableExists(namespace, table)) {
    const t = await catalog.loadTable(namespace, table);
    return currentSchema(t.metadata).fields.map((f) => f.name);
  }
  const external = await catalog.externalTables.get(namespace, table);
  return external?.columns.map((c) => c.name);
}
