import { scanWarehouse, type Catalog, type WarehouseTable } from '../catalog/index.js';
import { InvalidInput, NotFound } from '../errors.js';
import { checkMetadataFile, currentSnapshot, metadataVersion, parseViewMetadata, type TableMetadata, type ViewMetadata } from '../table/index.js';

export type RecoverStatus = 'registered' | 'would register' | 'already registered' | 'not recoverable';

export interface RecoveredTable {
  /** `namespace.table` (or view) */
  table: string;
  /** Set for an Iceberg view, whose folder holds view metadata. */
  view?: true;
  status: RecoverStatus;
  /** The metadata file registered (or that would be, or that the catalog already points at). */
  metadataLocation?: string;
  snapshotId?: bigint;
  /** `total-records` of the snapshot's summary, when it has one. */
  rows?: number;
  /** What was chosen over what, and why (newer files skipped, other folders of the same name). */
  notes: string[];
}

export interface RecoverResult {
  tables: RecoveredTable[];
  /** Files of the lost catalog set aside before the new one was made. */
  setAside: readonly string[];
}

type Choice = { folder: WarehouseTable; location: string; notes: string[] } & ({ view?: undefined; metadata: TableMetadata } | { view: true; metadata: ViewMetadata });

/**
 * Registers every table and view the warehouse holds that the catalog lacks, each at its latest metadata
 * file that a reader can start from (it parses, its table location is its own folder, and its
 * current snapshot's manifest list exists and decodes). Tables the catalog already has are left
 * at their pointer: the catalog is the record of what was committed, and a newer file beside it is
 * a write that never became current. With `dryRun`, nothing is registered.
 */
export async function recover(catalog: Catalog, opts: { dryRun?: boolean } = {}): Promise<RecoverResult> {
  const store = catalog.store;
  const byName = new Map<string, WarehouseTable[]>();
  for (const t of await scanWarehouse(store)) {
    const name = `${t.namespace}.${t.name}`;
    byName.set(name, [...(byName.get(name) ?? []), t]);
  }
  const tables: RecoveredTable[] = [];
  for (const [name, folders] of byName) {
    const choices: Choice[] = [];
    const problems: string[] = [];
    for (const folder of folders) {
      const c = await choose(catalog, folder);
      if ('problems' in c) problems.push(...c.problems);
      else choices.push(c);
    }
    choices.sort((a, b) => updatedMs(b) - updatedMs(a));
    const chosen = choices[0];
    if (!chosen) {
      tables.push({ table: name, status: 'not recoverable', notes: problems });
      continue;
    }
    const notes = [...chosen.notes, ...problems];
    for (const other of choices.slice(1)) {
      notes.push(
        `${other.folder.folder} also holds a table ${name}, last updated ${iso(updatedMs(other))}: ` +
          `an earlier table of that name, left as it is (chose the later ${chosen.folder.folder})`,
      );
    }
    const { namespace, name: table } = chosen.folder;
    if (chosen.view) {
      const registered = await catalog.views.find(namespace, table);
      if (!registered && !opts.dryRun) {
        await catalog.createNamespace(namespace, {}, { ifNotExists: true });
        await catalog.views.register(namespace, table, chosen.location);
      }
      const status = registered ? 'already registered' : opts.dryRun ? 'would register' : 'registered';
      tables.push({ table: name, view: true, status, metadataLocation: registered?.metadataLocation ?? chosen.location, notes });
      continue;
    }
    if (await catalog.tableExists(namespace, table)) {
      const current = await catalog.loadTable(namespace, table);
      const chosenVersion = metadataVersion(chosen.location) ?? 0;
      const currentVersion = metadataVersion(current.metadataLocation) ?? 0;
      if (chosenVersion > currentVersion && store.keyOf(current.metadata.location) === chosen.folder.folder) {
        notes.push(`${chosen.location} is newer than the registered metadata but was never made current (a write that crashed or lost its commit); left as it is`);
      }
      tables.push({ table: name, status: 'already registered', ...describe(current.metadataLocation, current.metadata), notes });
      continue;
    }
    if (!opts.dryRun) await catalog.registerTable(namespace, table, chosen.location, { createNamespace: true });
    tables.push({ table: name, status: opts.dryRun ? 'would register' : 'registered', ...describe(chosen.location, chosen.metadata), notes });
  }
  return { tables, setAside: catalog.setAside };
}

/** The folder's latest usable metadata file, or why none is. */
async function choose(catalog: Catalog, folder: WarehouseTable): Promise<Choice | { problems: string[] }> {
  const store = catalog.store;
  const skipped: string[] = [];
  for (const [i, file] of folder.metadataFiles.entries()) {
    const location = store.uri(file.key);
    try {
      const metadata = await checkMetadataFile(store, location);
      const home = store.keyOf(metadata.location);
      if (home !== folder.folder) throw new InvalidInput(`${location}: its table location is ${metadata.location}, not this folder`);
      const notes = skipped.map((s) => `skipped newer ${s}`);
      const twins = folder.metadataFiles.filter((f, j) => j !== i && f.version === file.version);
      if (twins.length > 0) {
        notes.push(`${twins.length + 1} metadata files have version ${file.version} (writers that raced); chose the last written, ${location}`);
      }
      if (i > 0) notes.push(`chose ${location}, the latest metadata file a reader can start from`);
      return { folder, location, metadata, notes };
    } catch (e) {
      if (!(e instanceof InvalidInput || e instanceof NotFound)) throw e;
      const view = await viewMetadataIn(store, location, folder);
      if (view) return { folder, location, metadata: view, view: true, notes: skipped.map((s) => `skipped newer ${s}`) };
      skipped.push(e.message);
    }
  }
  return { problems: [`${folder.folder}: no usable metadata file: ${skipped.join('; ')}`] };
}

/** The file as the metadata of a view living in this folder, or undefined when it is not one. */
async function viewMetadataIn(store: Catalog['store'], location: string, folder: WarehouseTable): Promise<ViewMetadata | undefined> {
  try {
    const metadata = parseViewMetadata((await store.get(store.keyOf(location))).toString('utf8'), `${folder.namespace}.${folder.name}`);
    return store.keyOf(metadata.location) === folder.folder ? metadata : undefined;
  } catch {
    return undefined;
  }
}

function updatedMs(c: Choice): number {
  return c.view ? Math.max(0, ...c.metadata['version-log'].map((v) => v['timestamp-ms'])) : c.metadata['last-updated-ms'];
}

function describe(metadataLocation: string, metadata: TableMetadata): Pick<RecoveredTable, 'metadataLocation' | 'snapshotId' | 'rows'> {
  const snapshot = currentSnapshot(metadata);
  const total = snapshot?.summary['total-records'];
  return {
    metadataLocation,
    ...(snapshot ? { snapshotId: snapshot['snapshot-id'] } : {}),
    ...(total !== undefined ? { rows: Number(total) } : snapshot ? {} : { rows: 0 }),
  };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
