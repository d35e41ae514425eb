/** Each table as `silt cost` needs it: where its files live, and its current data files. */
import type { Catalog } from '../catalog/index.js';

export interface TableFacts {
  /** namespace.name */
  table: string;
  namespace: string;
  location: string;
  /** Data files of the current snapshot and their bytes (delete files not counted). */
  dataFiles: number;
  dataBytes: number;
}

export async function tableFacts(catalog: Catalog): Promise<TableFacts[]> {
  const out: TableFacts[] = [];
  for (const t of await catalog.listTables()) {
    const table = await catalog.loadTable(t.namespace, t.name);
    const { files } = await table.planFiles();
    out.push({
      table: `${t.namespace}.${t.name}`,
      namespace: t.namespace,
      location: table.metadata.location,
      dataFiles: files.length,
      dataBytes: files.reduce((n, f) => n + f.fileSizeInBytes, 0),
    });
  }
  return out;
}
