import type { ObjectStore } from '../storage/index.js';
import { metadataVersion } from '../table/index.js';

/** The object-store folder every Silt table lives under: `warehouse/<namespace>/<table>/`. */
export const WAREHOUSE = 'warehouse';

const NAME = '[a-z_][a-z0-9_]*';
/** `<table>` or `<table>-<8 hex>` (the folder of a table created while files of an earlier one lingered). */
const METADATA_KEY = new RegExp(`^${WAREHOUSE}/(${NAME})/((${NAME})(?:-[0-9a-f]{8})?)/metadata/([^/]+\\.metadata\\.json)$`);

export interface MetadataFileInfo {
  key: string;
  version: number;
  modifiedMs: number;
}

/** A table folder of the warehouse, with its metadata files, highest version first. */
export interface WarehouseTable {
  namespace: string;
  name: string;
  /** The folder key, `warehouse/<ns>/<table>` (or `…/<table>-<suffix>`). */
  folder: string;
  metadataFiles: MetadataFileInfo[];
}

/** Every table folder of the warehouse holding at least one `<version>-<uuid>.metadata.json`. */
export async function scanWarehouse(store: ObjectStore): Promise<WarehouseTable[]> {
  const byFolder = new Map<string, WarehouseTable>();
  for (const o of await store.list(`${WAREHOUSE}/`)) {
    const m = METADATA_KEY.exec(o.key);
    if (!m) continue;
    const version = metadataVersion(m[4]!);
    if (version === undefined) continue;
    const folder = `${WAREHOUSE}/${m[1]}/${m[2]}`;
    let t = byFolder.get(folder);
    if (!t) byFolder.set(folder, (t = { namespace: m[1]!, name: m[3]!, folder, metadataFiles: [] }));
    t.metadataFiles.push({ key: o.key, version, modifiedMs: o.modifiedMs });
  }
  const tables = [...byFolder.values()];
  for (const t of tables) t.metadataFiles.sort((a, b) => b.version - a.version || b.modifiedMs - a.modifiedMs);
  return tables.sort((a, b) => (a.folder < b.folder ? -1 : a.folder > b.folder ? 1 : 0));
}
