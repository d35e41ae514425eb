import type { Kysely } from 'kysely';
import { NotFound } from '../errors.js';
import type { ObjectStore } from '../storage/index.js';
import { advanceVersionHint, readTableMetadata, type MetadataPointer, type PointerSwap, type TableMetadata } from '../table/index.js';
import type { MetadataDb } from './db.js';

/**
 * A table's metadata pointer as a row of `iceberg_tables`; swap is the JDBC catalog's CAS update.
 * The row is the commit point on every store (PyIceberg's and Spark's SQL catalogs read it, and a
 * transaction swaps several rows at once, which no object store can); on a store that swaps
 * objects, the table's version hint then follows it (table/version-hint.ts).
 */
export class SqlPointer implements MetadataPointer {
  readonly name: string;

  constructor(
    private readonly db: Kysely<MetadataDb>,
    private readonly store: ObjectStore,
    private readonly catalogName: string,
    readonly namespace: string,
    readonly table: string,
  ) {
    this.name = `${namespace}.${table}`;
  }

  async load(): Promise<{ metadataLocation: string; metadata: TableMetadata }> {
    const row = await this.db
      .selectFrom('iceberg_tables')
      .select('metadata_location')
      .where('catalog_name', '=', this.catalogName)
      .where('table_namespace', '=', this.namespace)
      .where('table_name', '=', this.table)
      .where((eb) => eb.or([eb('iceberg_type', '=', 'TABLE'), eb('iceberg_type', 'is', null)]))
      .executeTakeFirst();
    if (!row?.metadata_location) throw new NotFound(`catalog: no table ${this.name}`);
    return { metadataLocation: row.metadata_location, metadata: await readTableMetadata(this.store, row.metadata_location, this.name) };
  }

  async swap(expected: string, next: string): Promise<boolean> {
    const swapped = await this.swapWith(this.db, expected, next);
    if (swapped) await this.followHint(next, expected);
    return swapped;
  }

  /**
   * The table's version hint follows a committed swap, by If-Match on a store that swaps objects.
   * The commit is already made and this row decides it, so a failed hint write fails nothing: the
   * hint stays one version behind until the next commit moves it.
   */
  async followHint(next: string, expected?: string): Promise<void> {
    await advanceVersionHint(this.store, next, expected).catch(() => false);
  }

  /** The compare-and-swap UPDATE, run on `db` (the catalog's, or a transaction of it). */
  async swapWith(db: Kysely<MetadataDb>, expected: string, next: string): Promise<boolean> {
    const result = await db
      .updateTable('iceberg_tables')
      .set({ metadata_location: next, previous_metadata_location: expected })
      .where('catalog_name', '=', this.catalogName)
      .where('table_namespace', '=', this.namespace)
      .where('table_name', '=', this.table)
      .where('metadata_location', '=', expected)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }
}

/** Thrown inside a swap transaction to roll it back when one pointer moved. */
class SwapLost extends Error {}

/**
 * Swaps several tables' pointers in ONE metadata-store transaction, each a compare-and-swap:
 * when any pointer no longer holds its expected location, the transaction rolls back and no
 * pointer changes.
 */
export async function swapAll(db: Kysely<MetadataDb>, swaps: readonly PointerSwap[]): Promise<boolean> {
  // In one order (by table), so two transactions over the same tables never wait on each other's
  // row locks in a cycle (PostgreSQL would abort one as a deadlock).
  const ordered = [...swaps].sort((a, b) => (a.pointer.name < b.pointer.name ? -1 : a.pointer.name > b.pointer.name ? 1 : 0));
  try {
    await db.transaction().execute(async (trx) => {
      for (const s of ordered) {
        if (!(s.pointer instanceof SqlPointer)) throw new Error(`catalog: ${s.pointer.name} is not a registered table; it cannot join a transaction`);
        if (!(await s.pointer.swapWith(trx, s.expected, s.next))) throw new SwapLost();
      }
    });
    await Promise.all(ordered.map((s) => (s.pointer as SqlPointer).followHint(s.next, s.expected)));
    return true;
  } catch (e) {
    if (e instanceof SwapLost) return false;
    throw e;
  }
}
