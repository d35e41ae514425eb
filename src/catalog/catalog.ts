import { AccessStore } from './access-store.js';
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { didYouMean } from '../config/index.js';
import { AlreadyExists, CommitConflict, EnvironmentFault, InvalidInput, NotFound } from '../errors.js';
import { joinKey, type ObjectStore } from '../storage/index.js';
import {
  checkMetadataFile,
  commitAll,
  fixedChange,
  metadataFileKey,
  newTableMetadata,
  serializeMetadata,
  Table,
  type ChangeProducer,
  type Committed,
  type ManifestCache,
  type MetadataPointer,
  type TableChange,
  type PartitionField,
  type Schema,
  type TableMetadata,
} from '../table/index.js';
import { catalogFile, openDb, type DbCapabilities, type MetadataDb } from './db.js';
import { ActiveWrites } from './active-writes.js';
import { ExternalTables } from './external-tables.js';
import { StagedIngest } from './staged-ingest.js';
import { IngestedFiles } from './ingested-files.js';
import { AlertLog } from './alert-log.js';
import { PushKeys } from './push-keys.js';
import { PullStates } from './pull-state.js';
import { LandingRequests } from './landing-requests.js';
import { ScheduleFires } from './schedule-fires.js';
import { RunLog } from './run-log.js';
import { JobQueue } from './job-queue.js';
import { QueryHistory } from './query-history.js';
import { GovernanceStore } from './governance-store.js';
import { SavedQueries } from './saved-queries.js';
import { migrate } from './migrations.js';
import { checkName } from './names.js';
import { abandoned, markedFolders, markerKey, purgeFolder, putMarker, StagedPointer } from './pending-folders.js';
import { SqlPointer, swapAll } from './sql-pointer.js';
import { handleLostCatalog, refuseEmptyDatabase, type IfLost } from './lost-catalog.js';
import { WAREHOUSE } from './warehouse-scan.js';
import { CatalogViews } from './views.js';
import { type TableEncryption, withTableKey } from './table-encryption.js';

/** The name PyIceberg must be given: `load_catalog("silt", **props)`. */
export const CATALOG_NAME = 'silt';
/** Java and PyIceberg mark a namespace created without properties with this reserved key. */
const EXISTS_KEY = 'exists';

export interface TableDefinition {
  schema: Schema;
  lastColumnId: number;
  partitionFields?: PartitionField[];
  properties?: Record<string, string>;
  /** The table's uuid when a client chose it (REST staged create); fresh otherwise. */
  uuid?: string;
}

export interface TableIdent {
  namespace: string;
  name: string;
}

/**
 * The catalog: namespaces and tables, their Iceberg metadata pointers in the metadata store, and
 * their files in the object store under `warehouse/<namespace>/<table>/`.
 */
export class Catalog {
  readonly activeWrites: ActiveWrites;
  /** Files ingested into bronze, by fingerprint. */
  readonly ingestedFiles: IngestedFiles;
  /** Pipeline runs and their steps. */
  readonly runLog: RunLog;
  /** The work queue of `silt serve`. */
  readonly jobs: JobQueue;
  /** Ingest tasks' written files until their run commits them. */
  readonly stagedIngest: StagedIngest;
  /** Statements the API ran. */
  readonly queryHistory: QueryHistory;
  /** Named statements kept for the console. */
  readonly savedQueries: SavedQueries;
  /** Crawled datasets, read in place (not Iceberg tables). */
  readonly externalTables: ExternalTables;
  /** Alerts fired and resolved, and their deliveries. */
  readonly alertLog: AlertLog;
  /** Idempotency keys of HTTP pushes. */
  readonly pushKeys: PushKeys;
  /** Where each pulled source resumes (`pull:` sources). */
  readonly pullStates: PullStates;
  /** The last fire of each cron schedule. */
  readonly scheduleFires: ScheduleFires;
  /** Landing files the server's watcher saw complete and asked a run for. */
  readonly landingRequests: LandingRequests;
  /** Row filters, column masks and workgroups as declared; the audit log; workgroup usage. */
  readonly governance: GovernanceStore;
  /** Principals, groups, API tokens and grants (governance gives them meaning). */
  readonly access: AccessStore;
  /** Iceberg views (rows of iceberg_tables marked VIEW); a view and a table never share a name. */
  readonly views: CatalogViews;
  /** What went wrong without failing the command (cleanup after a commit, a degraded open); faces show them. */
  readonly warnings: string[] = [];
  /** Which new tables get a data key (encryption at rest); the project sets it on open. */
  encryption: TableEncryption | undefined;
  /** Decoded manifests kept across statements: a long-running process (silt serve, silt worker) sets one. */
  manifestCache: ManifestCache | undefined;

  private constructor(
    private readonly db: Kysely<MetadataDb>,
    readonly store: ObjectStore,
    readonly capabilities: DbCapabilities,
    /** Files of a lost catalog set aside when this one replaced it (`ifLost: 'replace'`). */
    readonly setAside: readonly string[],
  ) {
    this.activeWrites = new ActiveWrites(db, (w) => this.warnings.push(w));
    this.ingestedFiles = new IngestedFiles(db);
    this.runLog = new RunLog(db, capabilities);
    this.jobs = new JobQueue(db, capabilities);
    this.stagedIngest = new StagedIngest(db);
    this.queryHistory = new QueryHistory(db);
    this.savedQueries = new SavedQueries(db);
    this.externalTables = new ExternalTables(db);
    this.alertLog = new AlertLog(db);
    this.pushKeys = new PushKeys(db, capabilities);
    this.pullStates = new PullStates(db, capabilities);
    this.scheduleFires = new ScheduleFires(db);
    this.landingRequests = new LandingRequests(db);
    this.governance = new GovernanceStore(db as Kysely<unknown>);
    this.access = new AccessStore(db);
    this.views = new CatalogViews(db, store, {
      catalogName: CATALOG_NAME,
      takenBy: async (ns, name) => ((await this.tableExists(ns, name)) ? 'table' : (await this.externalTables.get(ns, name)) ? 'external (crawled) table' : undefined),
      requireNamespace: (ns) => this.requireNamespace(ns),
      freshFolder: (ns, name) => this.freshTableKey(ns, name),
      requireFreeFolder: (ns, location) => this.requireFreeFolder(ns, location),
    });
  }

  /** Opens the catalog; a lost one (see IfLost) is refused unless told otherwise. */
  static async open(uri: string, store: ObjectStore, opts: { ifLost?: IfLost } = {}): Promise<Catalog> {
    const file = catalogFile(uri);
    const ifLost = opts.ifLost ?? 'refuse';
    const lost = file === undefined ? { uri, setAside: [] } : await handleLostCatalog(file, uri, store, ifLost);
    const { db, capabilities, warning } = openDb(lost.uri);
    try {
      if (file === undefined) await refuseEmptyDatabase(db, uri, store, ifLost);
      await migrate(db, capabilities);
    } catch (e) {
      await db.destroy().catch(() => undefined);
      throw e;
    }
    const catalog = new Catalog(db, store, capabilities, lost.setAside);
    if (warning) catalog.warnings.push(warning);
    return catalog;
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }

  /** Properties for PyIceberg's `load_catalog("silt", **props)`. */
  pyicebergProperties(): Record<string, string> {
    return { type: 'sql', uri: this.capabilities.sqlalchemyUri, warehouse: this.store.uri(WAREHOUSE), ...this.store.fileIoProperties };
  }

  // ---- namespaces

  async createNamespace(namespace: string, properties: Record<string, string> = {}, opts: { ifNotExists?: boolean } = {}): Promise<void> {
    checkName('namespace', namespace);
    if (await this.namespaceExists(namespace)) {
      if (opts.ifNotExists) return;
      throw new AlreadyExists(`catalog: namespace ${namespace} already exists`);
    }
    const props = Object.keys(properties).length > 0 ? properties : { [EXISTS_KEY]: 'true' };
    await this.db
      .insertInto('iceberg_namespace_properties')
      .values(Object.entries(props).map(([k, v]) => ({ catalog_name: CATALOG_NAME, namespace, property_key: k, property_value: v })))
      .onConflict((oc) => oc.doNothing())
      .execute();
  }

  async namespaceExists(namespace: string): Promise<boolean> {
    const hit =
      (await this.db
        .selectFrom('iceberg_namespace_properties')
        .select('namespace')
        .where('catalog_name', '=', CATALOG_NAME)
        .where('namespace', '=', namespace)
        .executeTakeFirst()) ??
      (await this.db
        .selectFrom('iceberg_tables')
        .select('table_namespace')
        .where('catalog_name', '=', CATALOG_NAME)
        .where('table_namespace', '=', namespace)
        .executeTakeFirst());
    return hit !== undefined;
  }

  async listNamespaces(): Promise<string[]> {
    const a = await this.db
      .selectFrom('iceberg_namespace_properties')
      .select('namespace as ns')
      .where('catalog_name', '=', CATALOG_NAME)
      .distinct()
      .execute();
    const b = await this.db
      .selectFrom('iceberg_tables')
      .select('table_namespace as ns')
      .where('catalog_name', '=', CATALOG_NAME)
      .distinct()
      .execute();
    return [...new Set([...a, ...b].map((r) => r.ns))].sort();
  }

  async namespaceProperties(namespace: string): Promise<Record<string, string>> {
    await this.requireNamespace(namespace);
    const rows = await this.db
      .selectFrom('iceberg_namespace_properties')
      .select(['property_key', 'property_value'])
      .where('catalog_name', '=', CATALOG_NAME)
      .where('namespace', '=', namespace)
      .execute();
    return Object.fromEntries(rows.filter((r) => r.property_key !== EXISTS_KEY).map((r) => [r.property_key, r.property_value ?? '']));
  }

  /**
   * Sets and removes namespace properties in one transaction; says which keys were updated,
   * removed, and asked to be removed but absent. A key in both lists is refused.
   */
  async updateNamespaceProperties(
    namespace: string,
    updates: Record<string, string>,
    removals: readonly string[],
  ): Promise<{ updated: string[]; removed: string[]; missing: string[] }> {
    const both = removals.filter((k) => k in updates);
    if (both.length > 0) throw new InvalidInput(`catalog: properties ${both.join(', ')} are both set and removed; ask for one`, { details: { key: both[0]! } });
    await this.requireNamespace(namespace);
    return this.db.transaction().execute(async (tx) => {
      const where = tx.selectFrom('iceberg_namespace_properties').select('property_key').where('catalog_name', '=', CATALOG_NAME).where('namespace', '=', namespace);
      const present = new Set((await where.execute()).map((r) => r.property_key));
      const removed = removals.filter((k) => present.has(k) && k !== EXISTS_KEY);
      const missing = removals.filter((k) => !removed.includes(k));
      if (removed.length > 0) {
        await tx.deleteFrom('iceberg_namespace_properties').where('catalog_name', '=', CATALOG_NAME).where('namespace', '=', namespace).where('property_key', 'in', removed).execute();
      }
      const entries = Object.entries(updates);
      if (entries.length > 0) {
        await tx
          .insertInto('iceberg_namespace_properties')
          .values(entries.map(([k, v]) => ({ catalog_name: CATALOG_NAME, namespace, property_key: k, property_value: v })))
          .onConflict((oc) => oc.columns(['catalog_name', 'namespace', 'property_key']).doUpdateSet((eb) => ({ property_value: eb.ref('excluded.property_value') })))
          .execute();
      }
      // A namespace keeps a row so it still exists with no properties left.
      await tx
        .insertInto('iceberg_namespace_properties')
        .values({ catalog_name: CATALOG_NAME, namespace, property_key: EXISTS_KEY, property_value: 'true' })
        .onConflict((oc) => oc.doNothing())
        .execute();
      return { updated: entries.map(([k]) => k), removed, missing };
    });
  }

  async dropNamespace(namespace: string): Promise<void> {
    await this.requireNamespace(namespace);
    const tables = [...(await this.listTables(namespace)), ...(await this.externalTables.list(namespace)), ...(await this.views.list(namespace))];
    if (tables.length > 0) {
      throw new InvalidInput(
        `catalog: namespace ${namespace} is not empty (${tables.map((t) => t.name).join(', ')}); drop its tables and views first`,
        { code: 'namespace_not_empty', details: { key: namespace } },
      );
    }
    await this.db
      .deleteFrom('iceberg_namespace_properties')
      .where('catalog_name', '=', CATALOG_NAME)
      .where('namespace', '=', namespace)
      .execute();
  }

  // ---- tables

  async listTables(namespace?: string): Promise<TableIdent[]> {
    if (namespace !== undefined) await this.requireNamespace(namespace);
    let q = this.db
      .selectFrom('iceberg_tables')
      .select(['table_namespace', 'table_name'])
      .where('catalog_name', '=', CATALOG_NAME)
      .where((eb) => eb.or([eb('iceberg_type', '=', 'TABLE'), eb('iceberg_type', 'is', null)]));
    if (namespace !== undefined) q = q.where('table_namespace', '=', namespace);
    // Sorted here, by code point: a PostgreSQL database's collation may order `_` otherwise.
    const rows = (await q.execute()).map((r) => ({ namespace: r.table_namespace, name: r.table_name }));
    return rows.sort((a, b) => byCodePoint(a.namespace, b.namespace) || byCodePoint(a.name, b.name));
  }

  async tableExists(namespace: string, name: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('iceberg_tables')
      .select('table_name')
      .where('catalog_name', '=', CATALOG_NAME)
      .where('table_namespace', '=', namespace)
      .where('table_name', '=', name)
      .where((eb) => eb.or([eb('iceberg_type', '=', 'TABLE'), eb('iceberg_type', 'is', null)]))
      .executeTakeFirst();
    return row !== undefined;
  }

  async loadTable(namespace: string, name: string): Promise<Table> {
    if (!(await this.tableExists(namespace, name))) throw await this.noSuchTable(namespace, name);
    const table = new Table(this.store, this.pointer(namespace, name), this.manifestCache);
    await table.refresh();
    return table;
  }

  /**
   * Creates a table, and its namespace if needed. With `ifNotExists`, a table created meanwhile by
   * another process is loaded instead, so concurrent loads into a new table all succeed.
   */
  async createTable(namespace: string, name: string, def: TableDefinition, opts: { ifNotExists?: boolean } = {}): Promise<Table> {
    if (await this.checkNewTable(namespace, name)) {
      if (opts.ifNotExists) return this.loadTable(namespace, name);
      throw new AlreadyExists(`catalog: table ${namespace}.${name} already exists`, { code: 'table_exists', details: { table: `${namespace}.${name}` } });
    }
    await this.createNamespace(namespace, {}, { ifNotExists: true });
    const tableKey = await this.freshTableKey(namespace, name);
    const key = await this.writeFirstMetadata(tableKey, await withTableKey(this.encryption, namespace, name, def));
    if (!(await this.insertTable(namespace, name, this.store.uri(key)))) {
      await this.store.delete(key);
      if (opts.ifNotExists) return this.loadTable(namespace, name);
      throw new AlreadyExists(`catalog: table ${namespace}.${name} already exists`, { code: 'table_exists', details: { table: `${namespace}.${name}` } });
    }
    return this.loadTable(namespace, name);
  }

  /**
   * Creates a table all or nothing: `fill` makes its first commits (schema changes, data) while
   * no catalog entry exists, and the table is registered at the last of them only once `fill`
   * returns. A failed `fill`, or a process killed meanwhile, leaves no table; the folder it wrote
   * is removed (at once, or by vacuum or the next create of the name, through its marker).
   * Undefined when another process registered the name first: this one's files are removed, and
   * the caller writes into that table instead.
   */
  async createTableWith<T>(
    namespace: string,
    name: string,
    def: TableDefinition,
    fill: (table: Table) => Promise<T>,
    opts: { location?: string } = {},
  ): Promise<{ table: Table; value: T } | undefined> {
    if (await this.checkNewTable(namespace, name)) return undefined;
    let tableKey = (opts.location && (await this.stagedFolder(namespace, opts.location))) || (await this.freshTableKey(namespace, name));
    if (!(await putMarker(this.store, tableKey, 'staged', `${namespace}.${name}`, { ifAbsent: true }))) {
      tableKey = `${joinKey(WAREHOUSE, namespace, name)}-${randomBytes(4).toString('hex')}`;
      await putMarker(this.store, tableKey, 'staged', `${namespace}.${name}`, { ifAbsent: true });
    }
    let value: T;
    let location: string;
    try {
      const first = await this.writeFirstMetadata(tableKey, await withTableKey(this.encryption, namespace, name, def));
      const pointer = new StagedPointer(`${namespace}.${name}`, this.store, this.store.uri(first));
      const staged = new Table(this.store, pointer);
      await staged.refresh();
      value = await fill(staged);
      location = pointer.metadataLocation;
      await this.createNamespace(namespace, {}, { ifNotExists: true });
    } catch (e) {
      await purgeFolder(this.store, tableKey).catch(() => undefined);
      throw e;
    }
    if (!(await this.insertTable(namespace, name, location))) {
      await purgeFolder(this.store, tableKey).catch(() => undefined);
      return undefined;
    }
    // Registered: the marker is only a stray file now, which vacuum removes if this delete fails.
    await this.store.delete(markerKey(tableKey)).catch(() => undefined);
    return { table: await this.loadTable(namespace, name), value };
  }

  /**
   * The metadata a new table would start with, written nowhere (the REST catalog's staged create:
   * the client commits it later with `assert-create`). The namespace must exist and the name be free.
   */
  async stageTable(namespace: string, name: string, def: TableDefinition, opts: { location?: string } = {}): Promise<TableMetadata> {
    if (await this.checkNewTable(namespace, name)) throw new AlreadyExists(`catalog: table ${namespace}.${name} already exists`, { code: 'table_exists', details: { table: `${namespace}.${name}` } });
    await this.requireNamespace(namespace);
    const key = opts.location === undefined ? await this.freshTableKey(namespace, name) : await this.requireFreeFolder(namespace, opts.location);
    return newTableMetadata({ ...def, location: this.store.uri(key) });
  }

  /** The folder of a namespace's tables, as a URI: where a client that picks a table's location puts it. */
  namespaceLocation(namespace: string): string {
    return this.store.uri(joinKey(WAREHOUSE, namespace));
  }

  /** The key of `location` when a new table of `namespace` may live there (`stagedFolder`); otherwise what to do. */
  async requireFreeFolder(namespace: string, location: string): Promise<string> {
    const key = await this.stagedFolder(namespace, location);
    if (key === undefined) {
      throw new InvalidInput(`location: ${location} is not a free folder under ${this.namespaceLocation(namespace)}; give a new folder there, or leave location out and Silt chooses one`, { details: { field: 'location' } });
    }
    return key;
  }

  /**
   * The folder a staged table was given (`stageTable`), where its client may have written data
   * already: used when it lies under the namespace's warehouse folder and no table has it.
   */
  private async stagedFolder(namespace: string, location: string): Promise<string | undefined> {
    let key: string;
    try {
      key = this.store.keyOf(location).replace(/\/+$/, '');
    } catch {
      return undefined;
    }
    if (!key.startsWith(`${joinKey(WAREHOUSE, namespace)}/`) || key.includes('/../')) return undefined;
    if ((await this.tableFolders()).includes(key)) return undefined;
    return (await this.store.list(`${key}/metadata/`)).some((o) => o.key.endsWith('.metadata.json')) ? undefined : key;
  }

  /** Whether the name is taken by a table (true); throws when by a crawled one. */
  private async checkNewTable(namespace: string, name: string): Promise<boolean> {
    checkName('namespace', namespace);
    checkName('table', name);
    if (await this.tableExists(namespace, name)) return true;
    if (await this.externalTables.get(namespace, name)) {
      throw new AlreadyExists(`catalog: table ${namespace}.${name} already exists as an external (crawled) table`);
    }
    await this.refuseView(namespace, name);
    return false;
  }

  private async writeFirstMetadata(tableKey: string, def: TableDefinition): Promise<string> {
    const metadata = newTableMetadata({
      location: this.store.uri(tableKey),
      schema: def.schema,
      lastColumnId: def.lastColumnId,
      partitionFields: def.partitionFields,
      properties: def.properties,
      uuid: def.uuid,
    });
    const key = metadataFileKey(tableKey, 0);
    await this.store.put(key, serializeMetadata(metadata));
    return key;
  }

  /**
   * Registers an existing Iceberg metadata file as a table (Iceberg's register-table). The file
   * must lie in this project's storage and be readable v2 metadata whose current snapshot's
   * manifest list exists. Like Iceberg's REST catalog, the namespace must exist, unless
   * `createNamespace` (recover re-creates the namespaces a lost catalog held). With `overwrite`,
   * an existing table is pointed at the file instead (its old files stay; vacuum judges them).
   */
  async registerTable(namespace: string, name: string, metadataLocation: string, opts: { createNamespace?: boolean; overwrite?: boolean } = {}): Promise<Table> {
    checkName('namespace', namespace);
    checkName('table', name);
    const existing = await this.tableExists(namespace, name);
    if (existing && !opts.overwrite) throw new AlreadyExists(`catalog: table ${namespace}.${name} already exists`, { code: 'table_exists', details: { table: `${namespace}.${name}` } });
    let location: string;
    try {
      location = this.store.uri(this.store.keyOf(metadataLocation));
    } catch {
      throw new InvalidInput(`catalog: ${metadataLocation} is outside this project's storage (${this.store.rootUri}); a table's files must be under it`);
    }
    const metadata = await checkMetadataFile(this.store, location);
    const owner = await this.tableAt(metadata.location);
    if (existing) {
      // Overwrite: the table now starts from the given file, which must be its own or no table's.
      if (owner && owner !== `${namespace}.${name}`) throw new AlreadyExists(`catalog: table ${owner} already lives at ${metadata.location}; it cannot become ${namespace}.${name} too`);
      const table = await this.loadTable(namespace, name);
      if (!(await this.pointer(namespace, name).swap(table.metadataLocation, location))) {
        throw new CommitConflict(`catalog: ${namespace}.${name} changed while it was being registered over; retry`);
      }
      return this.loadTable(namespace, name);
    }
    if (owner) {
      throw new AlreadyExists(
        `catalog: table ${owner} already lives at ${metadata.location}; registering it again as ${namespace}.${name} would let a drop of one delete the other's files`,
      );
    }
    if (opts.createNamespace) await this.createNamespace(namespace, {}, { ifNotExists: true });
    else if (!(await this.namespaceExists(namespace))) {
      throw new NotFound(`catalog: no namespace ${namespace}; create it first with \`silt ns create ${namespace}\``, { code: 'namespace_not_found', details: { key: namespace } });
    }
    if (await this.externalTables.get(namespace, name)) {
      throw new AlreadyExists(`catalog: table ${namespace}.${name} already exists as an external (crawled) table`);
    }
    await this.refuseView(namespace, name);
    if (!(await this.insertTable(namespace, name, location))) throw new AlreadyExists(`catalog: table ${namespace}.${name} already exists`, { code: 'table_exists', details: { table: `${namespace}.${name}` } });
    return this.loadTable(namespace, name);
  }

  /** Registers a table's metadata location; false when the name is taken meanwhile. */
  private async insertTable(namespace: string, name: string, metadataLocation: string): Promise<boolean> {
    const inserted = await this.db
      .insertInto('iceberg_tables')
      .values({
        catalog_name: CATALOG_NAME,
        table_namespace: namespace,
        table_name: name,
        metadata_location: metadataLocation,
        previous_metadata_location: null,
        iceberg_type: 'TABLE',
      })
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) !== 1) return false;
    await (this.pointer(namespace, name) as SqlPointer).followHint(metadataLocation);
    return true;
  }

  /**
   * Removes the table from the catalog and, with `purge` (the default), deletes its files. The
   * folder is marked dropped first, so files a failed or killed purge leaves are vacuum's to remove.
   */
  async dropTable(namespace: string, name: string, opts: { purge?: boolean } = {}): Promise<void> {
    const table = await this.loadTable(namespace, name);
    const purge = opts.purge ?? true;
    const folder = this.store.keyOf(table.metadata.location);
    if (purge) await putMarker(this.store, folder, 'dropped', `${namespace}.${name}`);
    // Its grants go with it: a later table of the same name must not inherit them.
    await this.db.transaction().execute(async (tx) => {
      await tx.deleteFrom('iceberg_tables').where('catalog_name', '=', CATALOG_NAME).where('table_namespace', '=', namespace).where('table_name', '=', name).execute();
      await tx.deleteFrom('silt_grants').where('securable', 'in', ['table', 'column']).where('namespace', '=', namespace).where('table_name', '=', name).execute();
    });
    if (!purge) return;
    try {
      await purgeFolder(this.store, folder);
    } catch (e) {
      throw new EnvironmentFault(
        `catalog: dropped table ${namespace}.${name}, but could not remove all its files under ${table.metadata.location} ` +
          `(${e instanceof Error ? e.message : String(e)}); \`silt vacuum\` removes them once that is fixed`,
      );
    }
  }

  /**
   * Gives a table another name (and namespace, which must exist); its files stay where they are.
   * The destination taken is AlreadyExists; an unknown source NotFound.
   */
  async renameTable(from: TableIdent, to: TableIdent): Promise<void> {
    checkName('namespace', to.namespace);
    checkName('table', to.name);
    if (!(await this.tableExists(from.namespace, from.name))) throw await this.noSuchTable(from.namespace, from.name);
    await this.requireNamespace(to.namespace);
    if ((await this.tableExists(to.namespace, to.name)) || (await this.externalTables.get(to.namespace, to.name))) {
      throw new AlreadyExists(`catalog: table ${to.namespace}.${to.name} already exists`, { code: 'table_exists', details: { table: `${to.namespace}.${to.name}` } });
    }
    await this.refuseView(to.namespace, to.name);
    try {
      // Its grants follow it, so the new name is readable by whoever could read the old one, and
      // a later table taking the old name does not inherit them.
      await this.db.transaction().execute(async (tx) => {
        await tx
          .updateTable('iceberg_tables')
          .set({ table_namespace: to.namespace, table_name: to.name })
          .where('catalog_name', '=', CATALOG_NAME)
          .where('table_namespace', '=', from.namespace)
          .where('table_name', '=', from.name)
          .execute();
        // A grant already made on the new name (declared before the table existed) is kept once.
        await tx
          .deleteFrom('silt_grants as t')
          .where('t.securable', 'in', ['table', 'column'])
          .where('t.namespace', '=', to.namespace)
          .where('t.table_name', '=', to.name)
          .where(({ exists, selectFrom }) =>
            exists(
              selectFrom('silt_grants as f')
                .select('f.grantee')
                .whereRef('f.grantee', '=', 't.grantee')
                .whereRef('f.privilege', '=', 't.privilege')
                .whereRef('f.securable', '=', 't.securable')
                .whereRef('f.column_name', '=', 't.column_name')
                .where('f.namespace', '=', from.namespace)
                .where('f.table_name', '=', from.name),
            ),
          )
          .execute();
        await tx
          .updateTable('silt_grants')
          .set({ namespace: to.namespace, table_name: to.name })
          .where('securable', 'in', ['table', 'column'])
          .where('namespace', '=', from.namespace)
          .where('table_name', '=', from.name)
          .execute();
      });
    } catch (e) {
      if (e instanceof EnvironmentFault) throw e;
      // The primary key refused it: another rename or create took the name meanwhile.
      throw new AlreadyExists(`catalog: table ${to.namespace}.${to.name} already exists`, { code: 'table_exists', details: { table: `${to.namespace}.${to.name}` }, cause: e });
    }
  }

  /** Folders (store keys) of dropped tables a purge left, and of creates killed before registering. */
  async abandonedFolders(): Promise<string[]> {
    const registered = new Set(await this.tableFolders());
    const out: string[] = [];
    for (const folder of await markedFolders(this.store, WAREHOUSE)) {
      if (!registered.has(folder) && (await abandoned(this.store, folder))) out.push(folder);
    }
    return out;
  }

  /** The folders of registered tables (store keys), whatever their type. */
  private async tableFolders(): Promise<string[]> {
    const rows = await this.db.selectFrom('iceberg_tables').select('metadata_location').where('catalog_name', '=', CATALOG_NAME).execute();
    return rows
      .map((r) => r.metadata_location)
      .filter((l): l is string => l !== null)
      .map((l) => this.store.keyOf(l).replace(/\/metadata\/[^/]*$/, ''));
  }

  /** Runs a write into a table; files it writes before committing are safe from vacuum meanwhile. */
  guardWrite<T>(namespace: string, name: string, fn: () => Promise<T>): Promise<T> {
    return this.activeWrites.run(namespace, name, fn);
  }

  /** The registered table whose metadata files live under `location`, if any (`<location>/metadata/<file>`). */
  private async tableAt(location: string): Promise<string | undefined> {
    const rows = await this.db
      .selectFrom('iceberg_tables')
      .select(['table_namespace', 'table_name', 'metadata_location'])
      .where('catalog_name', '=', CATALOG_NAME)
      .where('metadata_location', 'like', `${location.replace(/\/+$/, '')}/metadata/%`)
      .execute();
    const row = rows.find((r) => r.metadata_location?.slice(0, r.metadata_location.lastIndexOf('/metadata/')) === location.replace(/\/+$/, ''));
    return row ? `${row.table_namespace}.${row.table_name}` : undefined;
  }

  /**
   * Commits changes to several tables at once: each table's next metadata file is written, then all
   * pointers are swapped in one metadata-store transaction, so a reader sees every change or none.
   * A change is data (requirements and updates, e.g. a REST client's) or a producer that builds it
   * on each attempt's base (Silt's writers). A lost swap retries them all on the fresh bases.
   */
  async commitTransaction(changes: readonly { table: Table; change: TableChange | ChangeProducer }[]): Promise<Committed[]> {
    const targets = changes.map(({ table, change }) => table.target(typeof change === 'function' ? change : fixedChange(change)));
    const done = await commitAll(this.store, targets, { swapAll: (swaps) => swapAll(this.db, swaps) });
    changes.forEach(({ table }, i) => table.committed(done[i]!));
    return done;
  }

  /** The table's metadata pointer, which the commit protocol compare-and-swaps (see table/commit.ts). */
  pointer(namespace: string, name: string): MetadataPointer {
    return new SqlPointer(this.db, this.store, CATALOG_NAME, namespace, name);
  }

  /** AlreadyExists when a view has the name a table is about to take. */
  private async refuseView(namespace: string, name: string): Promise<void> {
    if (await this.views.exists(namespace, name)) {
      throw new AlreadyExists(`catalog: ${namespace}.${name} already exists as a view; a view and a table cannot share a name (DROP VIEW ${namespace}.${name} first)`, {
        code: 'view_exists',
        details: { table: `${namespace}.${name}` },
      });
    }
  }

  /** NotFound (`namespace_not_found`, naming the known ones) unless the namespace exists. */
  async requireNamespace(namespace: string): Promise<void> {
    if (!(await this.namespaceExists(namespace))) {
      const known = await this.listNamespaces();
      throw new NotFound(`catalog: no namespace ${namespace}${known.length ? ` (namespaces: ${known.join(', ')})` : ''}`, {
        code: 'namespace_not_found',
        details: { key: namespace },
      });
    }
  }

  private async noSuchTable(namespace: string, name: string): Promise<NotFound> {
    if (await this.views.exists(namespace, name)) {
      return new NotFound(`catalog: ${namespace}.${name} is a view, not a table`, { code: 'table_not_found', details: { table: `${namespace}.${name}` } });
    }
    const tables = (await this.namespaceExists(namespace)) ? await this.listTables(namespace) : [];
    const known = tables.map((t) => t.name);
    const hint = didYouMean(name, known);
    return new NotFound(
      `catalog: no table ${namespace}.${name}${hint ? ` (did you mean ${namespace}.${hint}?)` : ''}${known.length ? ` (tables in ${namespace}: ${known.join(', ')})` : ''}`,
      { code: 'table_not_found', details: { table: `${namespace}.${name}` } },
    );
  }

  /** `warehouse/<ns>/<name>`, or with a random suffix when files of another table (or of an unknown past) are there. */
  private async freshTableKey(namespace: string, name: string): Promise<string> {
    const key = joinKey(WAREHOUSE, namespace, name);
    let leftovers = await this.store.list(key + '/');
    // A dropped table's folder, or one a killed create left, is removed rather than stepped around.
    if (leftovers.length > 0 && (await abandoned(this.store, key)) && !(await this.tableFolders()).includes(key)) {
      await purgeFolder(this.store, key).catch(() => undefined);
      leftovers = await this.store.list(key + '/');
    }
    return leftovers.length === 0 ? key : `${key}-${randomBytes(4).toString('hex')}`;
  }
}

function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
