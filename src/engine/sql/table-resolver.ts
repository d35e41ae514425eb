/** The slice of the catalog the SQL layer needs; the catalog satisfies it as it is. */
import { NotFound } from '../../errors.js';
import type { ObjectStore } from '../../storage/index.js';
import type { PartitionField, Schema, Table, ViewMetadata, ViewUpdate } from '../../table/index.js';
import type { ExternalTableDef } from './external-scan.js';

export interface NewTableDefinition {
  schema: Schema;
  lastColumnId: number;
  partitionFields?: PartitionField[];
  properties?: Record<string, string>;
}

export interface TableResolver {
  readonly store: ObjectStore;
  /** NotFound naming the table (and ideally the tables that do exist) when missing. */
  loadTable(namespace: string, name: string): Promise<Table>;
  createTable(namespace: string, name: string, def: NewTableDefinition, opts?: { ifNotExists?: boolean }): Promise<Table>;
  /**
   * Creates a table whose first commits `fill` makes before the table is registered: nothing is
   * visible until it returns, nothing is left if it fails. Undefined when the name was taken meanwhile.
   */
  createTableWith<T>(namespace: string, name: string, def: NewTableDefinition, fill: (table: Table) => Promise<T>): Promise<{ table: Table; value: T } | undefined>;
  dropTable(namespace: string, name: string): Promise<void>;
  tableExists(namespace: string, name: string): Promise<boolean>;
  /** What went wrong on the side of work that succeeded (said as `silt: warning: …`, never turned into a failure). */
  readonly warnings?: string[];
  /** Runs a write into the table so that files it puts in place before committing are protected from vacuum. */
  guardWrite?<T>(namespace: string, name: string, fn: () => Promise<T>): Promise<T>;
  /** Iceberg views: each query naming one reads its SQL, bound for the principal running the query. */
  readonly views?: ViewResolver;
  /** Crawled tables, read in place and read-only; consulted for names no Iceberg table has. Dropping one forgets it; its files stay. */
  readonly externalTables?: {
    find(namespace: string, name: string): Promise<ExternalTableDef | undefined>;
    drop(namespace: string, name: string): Promise<void>;
  };
}

export interface ViewResolver {
  exists(namespace: string, name: string): Promise<boolean>;
  find(namespace: string, name: string): Promise<{ metadata: ViewMetadata } | undefined>;
  create(namespace: string, name: string, updates: readonly ViewUpdate[]): Promise<unknown>;
  commit(namespace: string, name: string, change: (base: ViewMetadata) => ViewMetadata): Promise<unknown>;
  drop(namespace: string, name: string): Promise<void>;
}

/** Loads a table, restating a missing one in the query's words (`query: no table ns.t (tables in ns: …)`). */
export async function loadForQuery(resolver: TableResolver, namespace: string, name: string): Promise<Table> {
  try {
    return await resolver.loadTable(namespace, name);
  } catch (e) {
    if (e instanceof NotFound) throw new NotFound(e.message.replace(/^\w+: /, 'query: '));
    throw e;
  }
}
