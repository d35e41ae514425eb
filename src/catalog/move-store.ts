import type { Kysely } from 'kysely';
import { InvalidInput } from '../errors.js';
import { openDb, type OpenedDb } from './db.js';
import { migrate } from './migrations.js';
import { redactUri } from './postgres-db.js';

/** Rows moved per table, by table name. */
export type MovedRows = Record<string, number>;

type AnyDb = Kysely<Record<string, Record<string, unknown>>>;

/** The store's own bookkeeping, which each side keeps for itself. */
const VERSION_TABLE = 'silt_schema_version';
/** Rows per INSERT: PostgreSQL takes at most 65,535 parameters in one statement. */
const PARAMETERS = 30_000;

/**
 * Copies every table of the metadata store at `fromUri` into the empty one at `toUri` (made and
 * brought to the latest version first), in one transaction of the target: it holds all rows or
 * none. The source's write lock is held from before the first read until `thenWhileLocked` (the
 * switch of the project to the target) has returned, so no commit lands in the source meanwhile.
 * A target that holds any row is refused.
 */
export async function moveMetadataStore(fromUri: string, toUri: string, thenWhileLocked: () => Promise<void>): Promise<MovedRows> {
  const from = openDb(fromUri);
  let to: OpenedDb | undefined;
  try {
    await migrate(from.db, from.capabilities);
    to = openDb(toUri);
    await migrate(to.db, to.capabilities);
    const target = to;
    const source = from.db as unknown as AnyDb;
    const tables = (await source.introspection.getTables()).filter((t) => !t.isView).map((t) => t.name).filter((n) => n !== VERSION_TABLE).sort();
    const known = new Set((await (target.db as unknown as AnyDb).introspection.getTables()).map((t) => t.name));
    const lacking = tables.filter((t) => !known.has(t));
    if (lacking.length > 0) throw new Error(`catalog: the target store lacks ${lacking.join(', ')} after its migrations; both sides should have the same tables`);
    return await source.transaction().execute(async (read) => {
      await from.capabilities.lockTable(read, VERSION_TABLE);
      const moved = await (target.db as unknown as AnyDb).transaction().execute(async (write) => {
        for (const table of tables) {
          const { n } = await write.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
          if (Number(n) > 0) {
            throw new InvalidInput(
              `catalog: ${redactUri(toUri)} is not empty (${table} holds ${Number(n)} rows); move into a new, empty database`,
              { code: 'catalog_not_empty' },
            );
          }
        }
        const counts: MovedRows = {};
        for (const table of tables) {
          const rows = await read.selectFrom(table).selectAll().execute();
          const columns = rows.length > 0 ? Object.keys(rows[0]!).length : 1;
          const batch = Math.max(1, Math.floor(PARAMETERS / columns));
          for (let i = 0; i < rows.length; i += batch) await write.insertInto(table).values(rows.slice(i, i + batch)).execute();
          const { n } = await write.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
          if (Number(n) !== rows.length) throw new Error(`catalog: ${table}: moved ${rows.length} rows but the target holds ${Number(n)}`);
          counts[table] = rows.length;
        }
        return counts;
      });
      await thenWhileLocked();
      return moved;
    });
  } finally {
    await from.db.destroy();
    await to?.db.destroy();
  }
}
