import type { Kysely } from 'kysely';
import { didYouMean } from '../config/index.js';
import { AlreadyExists, CommitConflict, EnvironmentFault, NotFound } from '../errors.js';
import type { ObjectStore } from '../storage/index.js';
import { newViewMetadata, parseViewMetadata, viewMetadataFileKey, type ViewMetadata, type ViewUpdate } from '../table/index.js';
import type { MetadataDb } from './db.js';
import { checkName } from './names.js';
import { purgeFolder } from './pending-folders.js';

/** The iceberg_type of a view's row, as the Iceberg JDBC catalog (and PyIceberg's SQL catalog) mark them. */
export const VIEW_TYPE = 'VIEW';

export interface StoredView {
  namespace: string;
  name: string;
  metadataLocation: string;
  metadata: ViewMetadata;
}

/** What the views need of the catalog they live in. */
export interface ViewHost {
  catalogName: string;
  /** What else holds the name (`table`, `external table`), or undefined when nothing does. */
  takenBy(namespace: string, name: string): Promise<string | undefined>;
  requireNamespace(namespace: string): Promise<void>;
  /** A fresh folder for a new view (store key). */
  freshFolder(namespace: string, name: string): Promise<string>;
  /** The store key of a folder a client chose, when it is a free one under the namespace's folder; else InvalidInput. */
  requireFreeFolder(namespace: string, location: string): Promise<string>;
}

/**
 * Iceberg views: rows of `iceberg_tables` with iceberg_type VIEW whose metadata files (the view
 * spec's JSON) sit in the object store; a change writes the next file and moves the row's pointer
 * by compare-and-swap, as a table commit does.
 */
export class CatalogViews {
  constructor(
    private readonly db: Kysely<MetadataDb>,
    private readonly store: ObjectStore,
    private readonly host: ViewHost,
  ) {}

  async list(namespace?: string): Promise<{ namespace: string; name: string }[]> {
    if (namespace !== undefined) await this.host.requireNamespace(namespace);
    let q = this.rows().select(['table_namespace', 'table_name']);
    if (namespace !== undefined) q = q.where('table_namespace', '=', namespace);
    const rows = await q.orderBy('table_namespace').orderBy('table_name').execute();
    return rows.map((r) => ({ namespace: r.table_namespace, name: r.table_name }));
  }

  async exists(namespace: string, name: string): Promise<boolean> {
    return (await this.location(namespace, name)) !== undefined;
  }

  /** The view, or undefined when no view has the name. */
  async find(namespace: string, name: string): Promise<StoredView | undefined> {
    const location = await this.location(namespace, name);
    if (location === undefined) return undefined;
    return { namespace, name, metadataLocation: location, metadata: await this.read(location, `${namespace}.${name}`) };
  }

  async load(namespace: string, name: string): Promise<StoredView> {
    const view = await this.find(namespace, name);
    if (!view) throw await this.noSuchView(namespace, name);
    return view;
  }

  /** Creates a view whose first version `updates` make (see `versionUpdates`), in `location` when a client chose one. */
  async create(namespace: string, name: string, updates: readonly ViewUpdate[], properties: Record<string, string> = {}, location?: string): Promise<StoredView> {
    checkName('namespace', namespace);
    checkName('view', name);
    await this.host.requireNamespace(namespace);
    await this.refuseTaken(namespace, name);
    const folder = location === undefined ? await this.host.freshFolder(namespace, name) : await this.host.requireFreeFolder(namespace, location);
    const metadata = newViewMetadata(this.store.uri(folder), updates, properties);
    const key = viewMetadataFileKey(folder, undefined);
    await this.store.put(key, JSON.stringify(metadata));
    if (!(await this.insertRow(namespace, name, this.store.uri(key)))) {
      await purgeFolder(this.store, folder).catch(() => undefined);
      throw taken(namespace, name, 'a table or view');
    }
    return { namespace, name, metadataLocation: this.store.uri(key), metadata };
  }

  /** Registers a view at a metadata file it already has (`silt recover` after a lost catalog). */
  async register(namespace: string, name: string, metadataLocation: string): Promise<StoredView> {
    checkName('namespace', namespace);
    checkName('view', name);
    const metadata = await this.read(metadataLocation, `${namespace}.${name}`);
    await this.host.requireNamespace(namespace);
    await this.refuseTaken(namespace, name);
    if (!(await this.insertRow(namespace, name, metadataLocation))) throw taken(namespace, name, 'a table or view');
    return { namespace, name, metadataLocation, metadata };
  }

  /** The view's row, pointing at its metadata file; false when a table or view took the name first. */
  private async insertRow(namespace: string, name: string, metadataLocation: string): Promise<boolean> {
    const inserted = await this.db
      .insertInto('iceberg_tables')
      .values({
        catalog_name: this.host.catalogName,
        table_namespace: namespace,
        table_name: name,
        metadata_location: metadataLocation,
        previous_metadata_location: null,
        iceberg_type: VIEW_TYPE,
      })
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    return Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 1;
  }

  /**
   * Commits a change to a view: `change` makes the next metadata from the current one (checking
   * its requirements there), which is written beside it; the pointer then moves by
   * compare-and-swap. A lost swap is tried again on the fresh metadata a few times.
   */
  async commit(namespace: string, name: string, change: (base: ViewMetadata) => ViewMetadata): Promise<StoredView> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const base = await this.load(namespace, name);
      const next = change(base.metadata);
      const key = viewMetadataFileKey(this.store.keyOf(base.metadataLocation).replace(/\/metadata\/[^/]*$/, ''), base.metadataLocation);
      await this.store.put(key, JSON.stringify(next));
      const moved = await this.db
        .updateTable('iceberg_tables')
        .set({ metadata_location: this.store.uri(key), previous_metadata_location: base.metadataLocation })
        .where('catalog_name', '=', this.host.catalogName)
        .where('table_namespace', '=', namespace)
        .where('table_name', '=', name)
        .where('iceberg_type', '=', VIEW_TYPE)
        .where('metadata_location', '=', base.metadataLocation)
        .executeTakeFirst();
      if (Number(moved.numUpdatedRows) === 1) return { namespace, name, metadataLocation: this.store.uri(key), metadata: next };
      await this.store.delete(key).catch(() => undefined);
    }
    throw new CommitConflict(`catalog: view ${namespace}.${name} kept changing while this change was committed; retry`);
  }

  /** Removes the view and its metadata files. */
  async drop(namespace: string, name: string): Promise<void> {
    const view = await this.load(namespace, name);
    await this.db
      .deleteFrom('iceberg_tables')
      .where('catalog_name', '=', this.host.catalogName)
      .where('table_namespace', '=', namespace)
      .where('table_name', '=', name)
      .where('iceberg_type', '=', VIEW_TYPE)
      .execute();
    const folder = this.store.keyOf(view.metadataLocation).replace(/\/metadata\/[^/]*$/, '');
    try {
      await purgeFolder(this.store, folder);
    } catch (e) {
      throw new EnvironmentFault(`catalog: dropped view ${namespace}.${name}, but could not remove its metadata files under ${folder} (${(e as Error).message})`);
    }
  }

  /** Gives a view another name (the namespace must exist); its files stay where they are. */
  async rename(from: { namespace: string; name: string }, to: { namespace: string; name: string }): Promise<void> {
    checkName('namespace', to.namespace);
    checkName('view', to.name);
    if (!(await this.exists(from.namespace, from.name))) throw await this.noSuchView(from.namespace, from.name);
    await this.host.requireNamespace(to.namespace);
    await this.refuseTaken(to.namespace, to.name);
    try {
      await this.db
        .updateTable('iceberg_tables')
        .set({ table_namespace: to.namespace, table_name: to.name })
        .where('catalog_name', '=', this.host.catalogName)
        .where('table_namespace', '=', from.namespace)
        .where('table_name', '=', from.name)
        .where('iceberg_type', '=', VIEW_TYPE)
        .execute();
    } catch (e) {
      throw new AlreadyExists(`catalog: ${to.namespace}.${to.name} already exists`, { code: 'view_exists', details: { table: `${to.namespace}.${to.name}` }, cause: e });
    }
  }

  private async refuseTaken(namespace: string, name: string): Promise<void> {
    if (await this.exists(namespace, name)) throw taken(namespace, name, 'a view');
    const other = await this.host.takenBy(namespace, name);
    if (other) throw taken(namespace, name, `a ${other}`);
  }

  private rows() {
    return this.db.selectFrom('iceberg_tables').where('catalog_name', '=', this.host.catalogName).where('iceberg_type', '=', VIEW_TYPE);
  }

  private async location(namespace: string, name: string): Promise<string | undefined> {
    const row = await this.rows().select('metadata_location').where('table_namespace', '=', namespace).where('table_name', '=', name).executeTakeFirst();
    return row?.metadata_location ?? undefined;
  }

  private async read(location: string, name: string): Promise<ViewMetadata> {
    let text: string;
    try {
      text = (await this.store.get(this.store.keyOf(location))).toString('utf8');
    } catch (e) {
      throw new EnvironmentFault(`catalog: view ${name}: its metadata file ${location} cannot be read (${(e as Error).message})`, { cause: e });
    }
    return parseViewMetadata(text, name);
  }

  private async noSuchView(namespace: string, name: string): Promise<NotFound> {
    const known = (await this.rows().select('table_name').where('table_namespace', '=', namespace).execute()).map((r) => r.table_name);
    const hint = didYouMean(name, known);
    return new NotFound(`catalog: no view ${namespace}.${name}${hint ? ` (did you mean ${namespace}.${hint}?)` : ''}${known.length ? ` (views in ${namespace}: ${known.join(', ')})` : ''}`, {
      code: 'view_not_found',
      details: { table: `${namespace}.${name}` },
    });
  }
}

function taken(namespace: string, name: string, what: string): AlreadyExists {
  return new AlreadyExists(`catalog: ${namespace}.${name} already exists as ${what}; a view and a table cannot share a name`, {
    code: what === 'a view' ? 'view_exists' : 'table_exists',
    details: { table: `${namespace}.${name}` },
  });
}
