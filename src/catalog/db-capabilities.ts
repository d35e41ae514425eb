import type { Kysely } from 'kysely';

/** What a metadata-store backend can do; callers branch on these, never on the backend's name. */
export interface DbCapabilities {
  /** The URI a PyIceberg SqlCatalog passes to SQLAlchemy to open the same database. */
  readonly sqlalchemyUri: string;
  /**
   * Takes, inside transaction `tx`, a lock that every other transaction calling this for `table`
   * waits for until `tx` ends: read-then-write transactions (start a run, enqueue a job) serialize
   * instead of both reading "none" and both writing. SQLite: the database's write lock. (`any`: the Kysely of any database, or a transaction of it.)
   */
  lockTable(tx: Kysely<any>, table: string): Promise<void>;
  /** Runs `fn` so that what it commits is on disk when it returns, not only after a later sync. */
  durably<T>(fn: () => Promise<T>): Promise<T>;
  /** Runs `fn` (a migration) while no other process migrates this store. */
  exclusiveMigration<T>(fn: () => Promise<T>): Promise<T>;
}
