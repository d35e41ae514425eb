import { existsSync, renameSync, statSync } from 'node:fs';
import type { Kysely } from 'kysely';
import { EnvironmentFault } from '../errors.js';
import type { ObjectStore } from '../storage/index.js';
import type { MetadataDb } from './db.js';
import { redactUri } from './postgres-db.js';
import { scanWarehouse, WAREHOUSE, type WarehouseTable } from './warehouse-scan.js';

/**
 * What to do when the catalog file is missing or empty (0 bytes) while the warehouse holds
 * tables, i.e. the catalog was lost rather than never made:
 * - `refuse`: an EnvironmentFault naming the file and `silt recover` (every command but recover);
 * - `replace`: set the lost file (and its -wal/-shm) aside and start an empty catalog (recover);
 * - `in-memory`: open an empty catalog in memory and touch no file (recover --dry-run).
 * With no tables in the warehouse, a missing catalog is a new project's and is simply created.
 */
export type IfLost = 'refuse' | 'replace' | 'in-memory';

export type CatalogFileState = 'present' | 'missing' | 'empty';

export function catalogFileState(file: string): CatalogFileState {
  if (!existsSync(file)) return 'missing';
  return statSync(file).size === 0 ? 'empty' : 'present';
}

/** The catalog URI to open for `file` in this state, after refusing or setting aside a lost one. */
export async function handleLostCatalog(file: string, uri: string, store: ObjectStore, ifLost: IfLost): Promise<{ uri: string; setAside: string[] }> {
  const state = catalogFileState(file);
  if (state === 'present') return { uri, setAside: [] };
  const tables = await scanWarehouse(store);
  if (tables.length === 0) return { uri, setAside: [] };
  if (ifLost === 'in-memory') return { uri: ':memory:', setAside: [] };
  if (ifLost === 'replace') return { uri, setAside: setAside(file) };
  throw overWarehouse(`the catalog file ${file} is ${state === 'missing' ? 'missing' : 'empty (0 bytes)'}`, store, tables, 'Restore the file from a backup');
}

/**
 * A server's database (PostgreSQL) that holds no catalog yet while the warehouse holds tables is
 * refused as a lost catalog is (unless `ifLost` says otherwise): it is likely the wrong database.
 */
export async function refuseEmptyDatabase(db: Kysely<MetadataDb>, uri: string, store: ObjectStore, ifLost: IfLost): Promise<void> {
  if (ifLost !== 'refuse') return;
  if ((await db.introspection.getTables()).some((t) => t.name === 'iceberg_tables')) return;
  const tables = await scanWarehouse(store);
  if (tables.length === 0) return;
  throw overWarehouse(
    `the catalog database ${redactUri(uri)} holds no catalog`,
    store,
    tables,
    'Point catalog: in silt.yaml at the database that holds them, move the SQLite catalog there with `silt migrate --catalog`',
  );
}

function overWarehouse(what: string, store: ObjectStore, tables: readonly WarehouseTable[], todo: string): EnvironmentFault {
  const names = [...new Set(tables.map((t) => `${t.namespace}.${t.name}`))];
  const shown = names.length > 5 ? `${names.slice(0, 5).join(', ')}, …` : names.join(', ');
  return new EnvironmentFault(
    `catalog: ${what}, but the warehouse ${store.uri(WAREHOUSE)} holds ${names.length} table${names.length === 1 ? '' : 's'} (${shown}); ` +
      `Silt will not start an empty catalog over them. ${todo}, or run \`silt recover\` ` +
      'to register the tables again from their latest metadata files (`silt recover --dry-run` lists them first)',
  );
}

/** Renames the lost file and its SQLite companions to `<name>.lost-<time>`, so a stale -wal is never replayed into the new catalog. */
function setAside(file: string): string[] {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const moved: string[] = [];
  for (const f of [file, `${file}-wal`, `${file}-shm`]) {
    if (!existsSync(f)) continue;
    renameSync(f, `${f}.lost-${stamp}`);
    moved.push(`${f}.lost-${stamp}`);
  }
  return moved;
}
