import type { Kysely } from 'kysely';
import { NotFound } from '../errors.js';
import type { MetadataDb } from './db.js';

export interface SavedQuery {
  name: string;
  sql: string;
  /** Who saved it last. */
  principal: string;
  createdMs: number;
  updatedMs: number;
}

/** Named SQL statements, kept in the metadata store: saving a name again replaces its statement. */
export class SavedQueries {
  constructor(private readonly db: Kysely<MetadataDb>) {}

  async list(name?: string): Promise<SavedQuery[]> {
    let q = this.db.selectFrom('silt_saved_queries').selectAll().orderBy('name');
    if (name !== undefined) q = q.where('name', '=', name);
    return (await q.execute()).map((r) => ({ name: r.name, sql: r.sql, principal: r.principal, createdMs: Number(r.created_ms), updatedMs: Number(r.updated_ms) }));
  }

  async save(name: string, sql: string, principal: string, atMs = Date.now()): Promise<SavedQuery> {
    await this.db
      .insertInto('silt_saved_queries')
      .values({ name, sql, principal, created_ms: atMs, updated_ms: atMs })
      .onConflict((oc) => oc.column('name').doUpdateSet({ sql, principal, updated_ms: atMs }))
      .execute();
    const [saved] = await this.list(name);
    if (!saved) throw new Error(`saved query ${name} vanished right after it was saved`);
    return saved;
  }

  async remove(name: string): Promise<void> {
    const r = await this.db.deleteFrom('silt_saved_queries').where('name', '=', name).executeTakeFirst();
    if (Number(r.numDeletedRows) === 0) throw new NotFound(`saved query ${JSON.stringify(name)} does not exist; GET /v1/saved-queries lists them`, { code: 'saved_query_not_found' });
  }
}
